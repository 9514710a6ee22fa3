// Keeps the Web UI current: the search attributes (AdStage, ViduTaskId,
// AdId) when they change, and the current-details text on every change; and
// tells the ad's campaign, if any, each change of stage.
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { editsInFlight, type AdState } from './state';
import { renderDetails, type DetailsContext } from './details';
import { AD_ID, AD_STAGE, VIDU_TASK_ID } from './searchAttributes';

export class StatusPublisher {
  private stage: string | undefined;
  private taskId: string | undefined;

  constructor(
    private readonly details: DetailsContext,
    private readonly onStageChange?: (state: AdState) => void,
  ) {}

  publish(state: AdState): void {
    const { stage, mainTaskId, adId } = state;
    if (stage === 'editing') {
      const running = editsInFlight(state);
      if (running.length > 0) state.progress = Math.round(running.reduce((sum, e) => sum + (e.progress ?? 0), 0) / running.length);
    }
    const updates = [];
    if (this.stage === undefined) updates.push({ key: AD_ID, value: adId });
    if (stage !== this.stage) updates.push({ key: AD_STAGE, value: stage });
    if (mainTaskId !== undefined && mainTaskId !== this.taskId) updates.push({ key: VIDU_TASK_ID, value: mainTaskId });
    const stageChanged = stage !== this.stage;
    if (updates.length > 0) {
      upsertSearchAttributes(updates);
      this.stage = stage;
      this.taskId = mainTaskId;
    }
    if (stageChanged) this.onStageChange?.(state);
    setCurrentDetails(renderDetails(state, this.details));
  }
}
