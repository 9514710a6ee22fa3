// Keeping the ad page current: the first status comes from GET /v1/ads/{id},
// then the ad's event stream sends the whole status whenever it changes;
// without the stream (a proxy that buffers it, an expired session...) the
// page polls instead.
/* global EventSource, setTimeout */
import { api, errorText, setText, showMessage } from './common.js';
import { adId, page } from './adPage.js';

const POLL_MS = 3000;

/**
 * Reads the status once and hands it to `render`. Resolves with whether it
 * is worth asking again (not for a missing ad or a lost session).
 */
export async function refresh(render, { shownBefore }) {
  try {
    render(await api(`/v1/ads/${encodeURIComponent(adId)}`));
    showMessage(page.error, '');
    return true;
  } catch (err) {
    if (err.status === 404 && !shownBefore()) {
      // Nothing to show but the message: the empty page's sections would only confuse.
      for (const section of page.main.querySelectorAll('section, #audio')) section.hidden = true;
      page.main.setAttribute('aria-busy', 'false');
    }
    if (err.status !== 401) showMessage(page.error, err.status === 404 ? `There is no ad "${adId}".` : errorText(err));
    return err.status !== 404 && err.status !== 401;
  }
}

/**
 * Follows the ad's event stream, rendering each status; falls back to
 * polling when the stream is refused. `isFinished` stops the polling.
 */
export function follow(render, { shownBefore, isFinished }) {
  const poll = async () => {
    if ((await refresh(render, { shownBefore })) && !isFinished()) setTimeout(poll, POLL_MS);
  };
  const source = new EventSource(`/v1/ads/${encodeURIComponent(adId)}/events`);
  source.addEventListener('open', () => setText(page.live, '● live'));
  source.addEventListener('status', (event) => {
    try {
      render(JSON.parse(event.data));
    } catch (err) {
      showMessage(page.error, `An update could not be shown: ${errorText(err)}`);
    }
  });
  source.addEventListener('end', () => {
    source.close();
    setText(page.live, '');
  });
  source.addEventListener('error', () => {
    // While CONNECTING the browser retries by itself; CLOSED means the stream was refused.
    if (source.readyState !== EventSource.CLOSED) return setText(page.live, 'reconnecting…');
    setText(page.live, '');
    void poll();
  });
}
