// /ads/{adId}: one ad, live. The first status comes from GET /v1/ads/{id},
// then the ad's event stream sends the whole status whenever it changes.
// Rendering updates the page in place: a take's card, and its <video>, are
// made once and only their texts and buttons change, so a playing take keeps
// playing while the rest of the page moves on. Every action sends a fresh
// request id and shows the API's refusal next to the control that sent it.
/* global document, location, EventSource, setTimeout */
import { api, el, errorText, formatCredits, formatTime, mediaUrl, newRequestId, setText, showMessage, FINISHED_STAGES, wireLogout } from './common.js';

const adId = decodeURIComponent(location.pathname.replace(/^\/ads\//, '').replace(/\/$/, ''));
const byId = (id) => document.getElementById(id);
const page = {
  main: byId('ad-page'),
  error: byId('page-error'),
  stage: byId('stage'),
  live: byId('live'),
  progressRow: byId('progress-row'),
  progress: byId('progress'),
  progressText: byId('progress-text'),
  credits: byId('credits'),
  editsUsed: byId('edits-used'),
  deadlineFact: byId('deadline-fact'),
  deadline: byId('review-deadline'),
  next: byId('next'),
  waiting: byId('waiting'),
  lastError: byId('last-error'),
  actions: byId('actions'),
  actionsOutput: byId('actions-output'),
  result: byId('result'),
  finalVideo: byId('final-video'),
  finalLink: byId('final-link'),
  finalFacts: byId('final-facts'),
  storyboards: byId('storyboards'),
  noStoryboards: byId('no-storyboards'),
  audio: byId('audio'),
  edits: byId('edits'),
  noEdits: byId('no-edits'),
  refusedSection: byId('refused-section'),
  refused: byId('refused'),
};

/** What the operator can do next, by stage. */
const NEXT_STEP = {
  creating: 'Vidu is creating the ad. You can cancel it; edits and approval can be sent ahead.',
  generating: 'Vidu is making the first video. You can cancel it; edits and approval can be sent ahead.',
  reading: 'Reading the storyboards and saving the takes.',
  editing: 'Edits are running: their takes appear below as they finish. You can request more edits, or cancel.',
  review: 'Your review: play the takes, select the best take of each storyboard (and narration and music), request edits, then approve to make the final video.',
  composing: 'Approved: Vidu is composing the final video from the selected takes. Nothing to do.',
  saving: 'Saving the final video. Nothing to do.',
  done: 'Done: the final video is above.',
  failed: 'The ad failed (the reason is below). It can be started again with the admin tool (vidu-ad-admin retry).',
  cancelled: 'The ad was cancelled.',
};

/** Take groups on the page, by key ("video:0", "narration", "bgm"). */
const groups = new Map();
let lastStatus;
let finished = false;

/** A result file's place in the ad's folder (`media`; results saved by older workers only have the absolute path). */
function pathInAdFolder(file) {
  if (file.media) return file.media;
  const normalised = String(file.path).replaceAll('\\', '/');
  if (!normalised.startsWith('/') && !/^[a-z]:\//i.test(normalised)) return normalised;
  const marker = `/${adId}/`;
  const at = normalised.lastIndexOf(marker);
  return at >= 0 ? normalised.slice(at + marker.length) : normalised.split('/').pop();
}

/** Sets a media element's source only when it changed: assigning the same src again would restart playback. */
function setSource(media, url) {
  if (url && media.getAttribute('src') !== url) media.setAttribute('src', url);
}

async function act(output, button, path, body, done) {
  button.disabled = true;
  showMessage(output, 'Sending…', 'ok');
  try {
    const answer = await api(`/v1/ads/${encodeURIComponent(adId)}/${path}`, { method: 'POST', json: { requestId: newRequestId(), ...body } });
    showMessage(output, done(answer), 'ok');
    return true;
  } catch (err) {
    showMessage(output, errorText(err));
    return false;
  } finally {
    button.disabled = false;
  }
}

function createTakeCard(group, take) {
  const card = {
    root: el('article', { className: 'take' }),
    media: undefined,
    placeholder: el('div', { className: 'placeholder', textContent: 'No media yet' }),
    prompt: el('p', { className: 'take-prompt' }),
    state: el('span', { className: 'take-state' }),
    badge: el('span', { className: 'badge', textContent: 'Selected' }),
    select: el('button', { type: 'button', className: 'select', textContent: 'Select' }),
    output: el('output', { className: 'message', attrs: { 'aria-live': 'polite' } }),
  };
  card.root.dataset.takeId = take.id;
  card.root.classList.toggle('audio', group.mediaTag === 'audio');
  card.select.setAttribute('aria-label', `Select take ${take.id} of ${group.title}`);
  card.root.append(card.placeholder, card.prompt, el('p', { className: 'take-meta' }, el('span', { className: 'take-id', textContent: take.id }), ' · ', card.state, card.badge), card.select, card.output);
  card.select.addEventListener('click', () =>
    act(card.output, card.select, 'selections', { kind: group.kind, storyboardIndex: group.storyboardIndex, takeId: take.id }, () => 'Selected.'),
  );
  return card;
}

function renderTakeCard(group, card, take, selected) {
  if (take.media) {
    if (!card.media) {
      card.media = el(group.mediaTag, { controls: true, preload: 'metadata', attrs: { 'aria-label': `Take ${take.id} of ${group.title}` } });
      card.placeholder.replaceWith(card.media);
    }
    setSource(card.media, mediaUrl(adId, take.media));
    if (group.mediaTag === 'video' && take.cover) {
      const poster = mediaUrl(adId, take.cover);
      if (card.media.getAttribute('poster') !== poster) card.media.setAttribute('poster', poster);
    }
  } else {
    setText(card.placeholder, take.state === 'failed' ? 'No media: the take failed' : `No media yet (${take.state})`);
  }
  setText(card.prompt, take.prompt || '(no prompt)');
  setText(card.state, take.state);
  // A "Selected." note is stale once the selection moves on; the badge tells the rest.
  if (card.wasSelected !== undefined && card.wasSelected !== selected && card.output.classList.contains('ok')) showMessage(card.output, '');
  card.wasSelected = selected;
  card.root.classList.toggle('selected', selected);
  card.root.setAttribute('aria-current', selected ? 'true' : 'false');
  card.badge.hidden = !selected;
  card.select.hidden = selected || finished;
}

function createGroup(key, { kind, storyboardIndex, title, mediaTag }) {
  const headingId = `group-${key.replace(':', '-')}`;
  const textareaId = `${headingId}-prompt`;
  const group = {
    kind,
    storyboardIndex,
    title,
    mediaTag,
    cards: new Map(),
    root: el('section', { className: 'group card', attrs: { 'aria-labelledby': headingId } }),
    takes: el('div', { className: 'takes' }),
    form: el('form', { className: 'edit-form' }),
    prompt: el('textarea', { id: textareaId, rows: 2, name: 'prompt' }),
    output: el('output', { className: 'message', attrs: { 'aria-live': 'polite', for: textareaId } }),
  };
  group.root.dataset.group = key;
  const button = el('button', { type: 'submit', textContent: 'Request edit' });
  group.form.append(el('label', { htmlFor: textareaId, textContent: `New prompt for ${title}` }), group.prompt, button, group.output);
  group.root.append(el('h3', { id: headingId, textContent: title }), group.takes, group.form);
  group.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ok = await act(group.output, button, 'edits', { kind, storyboardIndex, prompt: group.prompt.value }, (answer) => `Edit requested (Vidu task ${answer?.subTaskId ?? '…'}); its take appears here when it is ready.`);
    if (ok) group.prompt.value = '';
  });
  return group;
}

function renderGroup(group, takes, selectedTakeId) {
  // New cards go in after their predecessor; existing cards are never moved (moving a <video> pauses it).
  let previous;
  const seen = new Set();
  for (const take of takes) {
    seen.add(take.id);
    let card = group.cards.get(take.id);
    if (!card) {
      card = createTakeCard(group, take);
      group.cards.set(take.id, card);
      if (previous) previous.root.after(card.root);
      else group.takes.prepend(card.root);
    }
    renderTakeCard(group, card, take, take.id === selectedTakeId);
    previous = card;
  }
  for (const [id, card] of group.cards) {
    if (!seen.has(id)) {
      card.root.remove();
      group.cards.delete(id);
    }
  }
  const selected = takes.find((t) => t.id === selectedTakeId);
  group.prompt.placeholder = selected?.prompt ? `Now: ${selected.prompt}` : 'Describe the new take';
  group.form.hidden = finished;
}

function groupFor(key, options, container) {
  let group = groups.get(key);
  if (!group) {
    group = createGroup(key, options);
    groups.set(key, group);
    container.append(group.root);
  }
  return group;
}

function renderSummary(status) {
  setText(page.stage, status.stage);
  page.stage.dataset.stage = status.stage;
  // Progress is the awaited Vidu task's: in review the ad waits for the operator, not for Vidu.
  page.progressRow.hidden = ['review', 'failed', 'cancelled'].includes(status.stage);
  const progress = status.stage === 'done' ? 100 : (status.progress ?? 0);
  page.progress.value = progress;
  setText(page.progressText, `${progress}%`);
  setText(page.credits, formatCredits(status.creditsSpent));
  setText(page.editsUsed, `${status.editsUsed ?? 0} of ${status.maxEdits ?? '?'}`);
  page.deadlineFact.hidden = !(status.stage === 'review' && status.reviewDeadline);
  setText(page.deadline, status.reviewDeadline ? formatTime(status.reviewDeadline) : '');
  setText(page.next, NEXT_STEP[status.stage] ?? '');
  page.waiting.hidden = !status.waitingFor;
  setText(page.waiting, status.waitingFor ? `Waiting: ${status.waitingFor}` : '');
  page.lastError.hidden = !status.lastError;
  setText(page.lastError, status.lastError ?? '');
  page.actions.hidden = finished;
}

function renderResult(status) {
  const result = status.result;
  page.result.hidden = !(result?.video?.path);
  if (page.result.hidden) return;
  const url = mediaUrl(adId, pathInAdFolder(result.video));
  setSource(page.finalVideo, url);
  if (result.cover?.path) page.finalVideo.setAttribute('poster', mediaUrl(adId, pathInAdFolder(result.cover)));
  page.finalLink.href = url;
  setText(page.finalFacts, `${result.outcome === 'composed' ? 'Composed from the selected takes' : 'The first video'} · ${Math.round((result.video.bytes ?? 0) / 1024)} KB`);
}

function renderTakes(status) {
  for (const board of status.storyboards ?? []) {
    const group = groupFor(`video:${board.index}`, { kind: 'video', storyboardIndex: board.index, title: `Storyboard ${board.index + 1}`, mediaTag: 'video' }, page.storyboards);
    renderGroup(group, board.takes ?? [], board.selectedTakeId);
  }
  page.noStoryboards.hidden = (status.storyboards ?? []).length > 0;
  for (const [key, title] of [['narration', 'Narration'], ['bgm', 'Music']]) {
    const track = status[key];
    if (!track) continue;
    renderGroup(groupFor(key, { kind: key, title, mediaTag: 'audio' }, page.audio), track.takes ?? [], track.selectedTakeId);
  }
}

function editLine(edit) {
  const target = edit.kind === 'video' ? `storyboard ${(edit.storyboardIndex ?? 0) + 1}` : edit.kind === 'bgm' ? 'music' : 'narration';
  const progress = edit.state === 'running' && typeof edit.progress === 'number' ? ` ${edit.progress}%` : '';
  return el(
    'li',
    { className: `edit ${edit.state}` },
    el('strong', { textContent: target }),
    ` · ${edit.state}${progress} · `,
    el('q', { textContent: edit.prompt }),
    edit.error ? el('span', { className: 'message error', textContent: ` ${edit.error}` }) : undefined,
  );
}

/** Lists hold no media, so they are simply redrawn when their data changed. */
function renderLists(status) {
  const edits = status.edits ?? [];
  if (JSON.stringify(edits) !== JSON.stringify(lastStatus?.edits)) page.edits.replaceChildren(...edits.map(editLine));
  page.noEdits.hidden = edits.length > 0;
  const refused = (status.requests ?? []).filter((r) => r.outcome === 'rejected');
  if (JSON.stringify(refused) !== JSON.stringify((lastStatus?.requests ?? []).filter((r) => r.outcome === 'rejected'))) {
    page.refused.replaceChildren(...refused.map((r) => el('li', {}, el('strong', { textContent: r.kind }), ` (${r.via}, ${formatTime(r.at)}): `, r.reason ?? 'refused')));
  }
  page.refusedSection.hidden = refused.length === 0;
}

function render(status) {
  finished = FINISHED_STAGES.includes(status.stage);
  renderSummary(status);
  renderResult(status);
  renderTakes(status);
  renderLists(status);
  lastStatus = status;
  page.main.dataset.stage = status.stage;
  page.main.setAttribute('aria-busy', 'false');
}

async function refresh() {
  try {
    render(await api(`/v1/ads/${encodeURIComponent(adId)}`));
    showMessage(page.error, '');
    return true;
  } catch (err) {
    if (err.status === 404 && !lastStatus) {
      // Nothing to show but the message: the empty page's sections would only confuse.
      for (const section of page.main.querySelectorAll('section, #audio')) section.hidden = true;
      page.main.setAttribute('aria-busy', 'false');
    }
    if (err.status !== 401) showMessage(page.error, err.status === 404 ? `There is no ad "${adId}".` : errorText(err));
    return err.status !== 404 && err.status !== 401;
  }
}

/** Without the event stream (a proxy that buffers it, an expired session...), the page polls instead. */
async function poll() {
  if (await refresh() && !finished) setTimeout(poll, 3000);
}

function follow() {
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

function wireActions() {
  const approve = byId('approve');
  approve.addEventListener('click', () => act(page.actionsOutput, approve, 'approve', {}, () => 'Approved: the final video is being made.'));
  const cancel = byId('cancel');
  const reason = byId('cancel-reason');
  cancel.addEventListener('click', () => act(page.actionsOutput, cancel, 'cancel', reason.value.trim() ? { reason: reason.value.trim() } : {}, () => 'Cancel requested.'));
}

setText(byId('ad-id'), adId);
document.title = `${adId} · Vidu ad console`;
wireActions();
wireLogout();
if (await refresh()) {
  if (!finished) follow();
}
