// The operator's requests (edit, select, approve, cancel): each control keeps
// its request id until the API answers it definitely, so clicking again after
// a lost answer repeats the request instead of paying for it twice; the API's
// refusal shows next to the control that sent it.
import { api, errorText, showMessage } from './common.js';
import { adId, byId, page } from './adPage.js';
import { retryableRequestId } from './requestIds.js';

/**
 * Sends `body` to the ad's `path` with the control's request id (`requestIds`,
 * a retryableRequestId) and says how it went in `output`; `done` words a
 * success from the answer. Resolves with whether the API accepted it.
 */
export async function sendOperatorRequest({ output, button, path, body, requestIds, done }) {
  button.disabled = true;
  showMessage(output, 'Sending…', 'ok');
  const requestId = requestIds.idFor(body);
  try {
    const answer = await api(`/v1/ads/${encodeURIComponent(adId)}/${path}`, { method: 'POST', json: { requestId, ...body } });
    requestIds.answered();
    showMessage(output, done(answer), 'ok');
    return true;
  } catch (err) {
    requestIds.answered(err);
    showMessage(output, errorText(err));
    return false;
  } finally {
    button.disabled = false;
  }
}

/** Approve and Cancel, in the page's head. */
export function wireAdActions() {
  const approve = byId('approve');
  const approveIds = retryableRequestId();
  approve.addEventListener('click', () =>
    sendOperatorRequest({ output: page.actionsOutput, button: approve, path: 'approve', body: {}, requestIds: approveIds, done: () => 'Approved: the final video is being made.' }),
  );
  const cancel = byId('cancel');
  const reason = byId('cancel-reason');
  const cancelIds = retryableRequestId();
  cancel.addEventListener('click', () => {
    const body = reason.value.trim() ? { reason: reason.value.trim() } : {};
    return sendOperatorRequest({ output: page.actionsOutput, button: cancel, path: 'cancel', body, requestIds: cancelIds, done: () => 'Cancel requested.' });
  });
}
