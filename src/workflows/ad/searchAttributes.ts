// Search attributes the ad workflow keeps current so the Web UI and the admin
// tool can list ads by stage or by Vidu task id. The dev server registers them
// at start (src/temporal/devServer.ts); a production namespace needs them once:
//   temporal operator search-attribute create --name AdStage --type Keyword ...
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const AD_STAGE = defineSearchAttributeKey('AdStage', SearchAttributeType.KEYWORD);
export const VIDU_TASK_ID = defineSearchAttributeKey('ViduTaskId', SearchAttributeType.KEYWORD);
export const AD_ID = defineSearchAttributeKey('AdId', SearchAttributeType.KEYWORD);

export const AD_SEARCH_ATTRIBUTES = [AD_STAGE, VIDU_TASK_ID, AD_ID] as const;
