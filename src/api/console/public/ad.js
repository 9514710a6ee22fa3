// /ads/{adId}: one ad, live. This entry module puts the page's parts
// together: the head (adSummary.js), the takes and their forms (adTakes.js),
// the edit and refusal lists (adLists.js), Approve and Cancel
// (operatorActions.js), and the live updates (adLive.js). Rendering updates
// the page in place, so a playing take keeps playing.
/* global document */
import { FINISHED_STAGES, setText, wireLogout } from './common.js';
import { adId, byId, page } from './adPage.js';
import { renderLists } from './adLists.js';
import { follow, refresh } from './adLive.js';
import { renderResult, renderSummary } from './adSummary.js';
import { renderTakes } from './adTakes.js';
import { wireAdActions } from './operatorActions.js';

let lastStatus;
let finished = false;

function render(status) {
  finished = FINISHED_STAGES.includes(status.stage);
  renderSummary(status, finished);
  renderResult(status);
  renderTakes(status, finished);
  renderLists(status, lastStatus);
  lastStatus = status;
  page.main.dataset.stage = status.stage;
  page.main.setAttribute('aria-busy', 'false');
}

const shownBefore = () => lastStatus !== undefined;

setText(byId('ad-id'), adId);
document.title = `${adId} · Vidu ad console`;
wireAdActions();
wireLogout();
if (await refresh(render, { shownBefore })) {
  if (!finished) follow(render, { shownBefore, isFinished: () => finished });
}
