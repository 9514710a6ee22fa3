// / : the ads, newest first, with stage, progress and credits, kept up to
// date by polling. The list route comes from Temporal's visibility (stage,
// times); progress and credits come from each ad's status, asked again only
// while the ad runs (a finished ad no longer changes).
/* global document, location, history, URLSearchParams, setTimeout, clearTimeout */
import { api, el, errorText, formatCredits, formatCreditsStatus, formatTime, setText, showMessage, STAGES, FINISHED_STAGES, wireLogout } from './common.js';

const POLL_MS = 3000;
const PAGE_SIZE = 20;

const filter = document.getElementById('stage-filter');
const tbody = document.getElementById('ads');
const errorOutput = document.getElementById('list-error');
const updated = document.getElementById('list-updated');
const empty = document.getElementById('empty');
const more = document.getElementById('more');

/** adId -> { row, cells..., ad, status } */
const rows = new Map();
let shown = PAGE_SIZE;
let nextPageToken;
let timer;

function stageFromUrl() {
  const stage = new URLSearchParams(location.search).get('stage') ?? '';
  return STAGES.includes(stage) ? stage : '';
}

function createRow(adId) {
  const link = el('a', { href: `/ads/${encodeURIComponent(adId)}`, textContent: adId });
  const stage = el('span', { className: 'stage' });
  const progress = el('progress', { max: 100, value: 0, attrs: { 'aria-label': `Progress of ${adId}` } });
  const progressText = el('span', { className: 'progress-text' });
  const credits = el('td', { className: 'num' });
  const started = el('td');
  const finished = el('td');
  const row = el('tr', {}, el('th', { scope: 'row' }, link), el('td', {}, stage), el('td', {}, el('div', { className: 'progress-cell' }, progress, progressText)), credits, started, finished);
  row.dataset.adId = adId;
  return { row, stage, progress, progressText, credits, started, finished, status: undefined, readError: undefined };
}

/**
 * Credits come from the ad's status: "…" until its first read, "–" once a
 * read failed (no worker answers the ad's query, say), with the reason in
 * the cell's title; the next poll asks again.
 */
function renderCredits(entry) {
  if (entry.status) {
    setText(entry.credits, formatCredits(entry.status.creditsSpent));
    entry.credits.title = formatCreditsStatus(entry.status);
  } else if (entry.readError) {
    setText(entry.credits, '–');
    entry.credits.title = `The ad's status could not be read: ${entry.readError}`;
  } else {
    setText(entry.credits, '…');
  }
}

function renderRow(entry, ad) {
  const status = entry.status;
  const stage = status?.stage ?? ad.stage ?? 'unknown';
  setText(entry.stage, stage);
  entry.stage.dataset.stage = stage;
  const finished = FINISHED_STAGES.includes(stage);
  const progress = stage === 'done' ? 100 : (status?.progress ?? 0);
  entry.progress.value = progress;
  setText(entry.progressText, finished ? '' : `${progress}%`);
  renderCredits(entry);
  setText(entry.started, formatTime(ad.startTime));
  setText(entry.finished, formatTime(ad.closeTime));
}

/** Asks the status of the ads whose numbers may still change; one failing ad does not stop the others. */
async function refreshStatuses(ads) {
  const stale = ads.filter((ad) => {
    const entry = rows.get(ad.adId);
    return !entry.status || ad.running || !FINISHED_STAGES.includes(entry.status.stage);
  });
  await Promise.all(
    stale.map(async (ad) => {
      const entry = rows.get(ad.adId);
      try {
        entry.status = await api(`/v1/ads/${encodeURIComponent(ad.adId)}`);
        entry.readError = undefined;
      } catch (err) {
        // The row keeps what the list and any earlier read said; the next poll asks again.
        entry.readError = errorText(err);
      }
    }),
  );
}

async function load() {
  clearTimeout(timer);
  const query = new URLSearchParams({ pageSize: String(Math.min(100, shown)) });
  if (filter.value) query.set('stage', filter.value);
  try {
    const page = await api(`/v1/ads?${query}`);
    const ads = page.ads ?? [];
    nextPageToken = page.nextPageToken;
    for (const ad of ads) if (!rows.has(ad.adId)) rows.set(ad.adId, createRow(ad.adId));
    await refreshStatuses(ads);
    // Rows are reused and only put back in order: nothing flickers between polls.
    const keep = new Set(ads.map((ad) => ad.adId));
    for (const [adId, entry] of rows) {
      if (!keep.has(adId)) {
        entry.row.remove();
        rows.delete(adId);
      }
    }
    ads.forEach((ad, i) => {
      const entry = rows.get(ad.adId);
      renderRow(entry, ad);
      if (tbody.children[i] !== entry.row) tbody.insertBefore(entry.row, tbody.children[i] ?? null);
    });
    empty.hidden = ads.length > 0;
    more.hidden = !nextPageToken || shown >= 100;
    showMessage(errorOutput, '');
    setText(updated, `Updated ${new Date().toLocaleTimeString()}`);
  } catch (err) {
    if (err.status !== 401) showMessage(errorOutput, errorText(err));
  }
  if (!document.hidden) timer = setTimeout(load, POLL_MS);
}

for (const stage of STAGES) filter.append(el('option', { value: stage, textContent: stage }));
filter.value = stageFromUrl();
filter.addEventListener('change', () => {
  const url = filter.value ? `/?stage=${encodeURIComponent(filter.value)}` : '/';
  history.replaceState(null, '', url);
  shown = PAGE_SIZE;
  void load();
});
more.addEventListener('click', () => {
  shown += PAGE_SIZE;
  void load();
});
// No polling in a background tab; catch up at once when it comes back.
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void load();
});
wireLogout();
void load();
