// /campaigns/{campaignId}: a campaign's stage, progress, credits and budget,
// and each variant with a link to its ad; approve every ad in review or cancel
// the campaign. Kept current by polling while the campaign runs.
/* global document, location, setTimeout */
import { api, el, errorText, formatCredits, setText, showMessage, wireLogout } from './common.js';
import { newRequestId } from './requestIds.js';

const POLL_MS = 2000;
const campaignId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const byId = (id) => document.getElementById(id);
const main = byId('campaign-page');
const tbody = byId('variants');
const actionsOutput = byId('actions-output');

function render(status) {
  setText(byId('campaign-id'), status.campaignId);
  setText(byId('stage'), status.stage);
  main.dataset.stage = status.stage;
  byId('progress').value = status.progress;
  setText(byId('progress-text'), `${status.progress}%`);
  setText(byId('counts'), `${status.total}: ${Object.entries(status.byStage).map(([stage, n]) => `${n} ${stage}`).join(', ')}`);
  setText(byId('at-vidu'), `${status.atVidu} of at most ${status.maxConcurrent ?? '?'}`);
  setText(byId('credits'), `${formatCredits(status.creditsSpent)} spent`);
  byId('budget-fact').hidden = !status.budget;
  if (status.budget) {
    const { limit, reserved, spent } = status.budget;
    setText(byId('budget'), `${formatCredits(limit)}: ${formatCredits(reserved)} allotted to running ads · ${formatCredits(spent)} spent by ended ads · ${formatCredits(limit - reserved - spent)} free`);
  }
  byId('actions').hidden = status.stage !== 'running';
  byId('approve').disabled = !status.byStage.review;
  tbody.replaceChildren(
    ...status.variants.map((v) => {
      const stage = v.state === 'started' ? (v.stage ?? 'creating') : v.state;
      const name = v.state === 'started' ? el('a', { href: `/ads/${encodeURIComponent(v.adId)}`, textContent: v.key }) : v.key;
      const row = el(
        'tr',
        {},
        el('th', { scope: 'row' }, name),
        el('td', {}, el('span', { className: 'stage', textContent: stage })),
        el('td', {}, `${v.progress}%`),
        el('td', { className: 'num' }, formatCredits(v.creditsSpent)),
        el('td', { className: 'hint' }, v.error ?? ''),
      );
      row.dataset.variant = v.key;
      row.dataset.stage = stage;
      return row;
    }),
  );
}

async function refresh() {
  try {
    const status = await api(`/v1/campaigns/${encodeURIComponent(campaignId)}`);
    render(status);
    main.setAttribute('aria-busy', 'false');
    setText(byId('page-error'), '');
    if (status.stage === 'running') setTimeout(refresh, POLL_MS);
  } catch (err) {
    showMessage(byId('page-error'), errorText(err));
    setTimeout(refresh, POLL_MS * 2);
  }
}

/** Each button keeps its request id until a definite answer, so a retry after a lost answer repeats nothing. */
function wire(button, path, body) {
  let requestId;
  button.addEventListener('click', async () => {
    requestId ??= newRequestId();
    button.disabled = true;
    try {
      const answer = await api(`/v1/campaigns/${encodeURIComponent(campaignId)}/${path}`, { method: 'POST', json: { requestId, ...body() } });
      showMessage(actionsOutput, `Sent to ${answer.adIds.length} ad(s).`, 'ok');
      requestId = undefined;
    } catch (err) {
      showMessage(actionsOutput, errorText(err));
      if (err.status >= 400 && err.status < 500) requestId = undefined;
    } finally {
      button.disabled = false;
      refresh();
    }
  });
}

wireLogout();
wire(byId('approve'), 'approve', () => ({}));
wire(byId('cancel'), 'cancel', () => {
  const reason = byId('cancel-reason').value.trim();
  return reason ? { reason } : {};
});
refresh();
