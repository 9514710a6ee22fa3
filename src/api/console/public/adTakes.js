// The ad's takes, grouped by what they are takes of (each storyboard, the
// narration, the music). A take's card, and its player, are made once and
// only their texts and buttons change, so a playing take keeps playing while
// the rest of the page moves on. Each group has its edit form, each card its
// Select button.
import { el, mediaUrl, setSource, setText, showMessage } from './common.js';
import { adId, page } from './adPage.js';
import { sendOperatorRequest } from './operatorActions.js';
import { retryableRequestId } from './requestIds.js';

/** Take groups on the page, by key ("video:0", "narration", "bgm"). */
const groups = new Map();

function createTakeCard(group, take) {
  const card = {
    root: el('article', { className: 'take' }),
    media: undefined,
    placeholder: el('div', { className: 'placeholder', textContent: 'No media yet' }),
    prompt: el('p', { className: 'take-prompt' }),
    state: el('span', { className: 'take-state' }),
    badge: el('span', { className: 'badge', textContent: 'Selected' }),
    select: el('button', { type: 'button', className: 'select', textContent: 'Select', attrs: { 'data-needs': 'ads:select' } }),
    output: el('output', { className: 'message', attrs: { 'aria-live': 'polite' } }),
  };
  card.root.dataset.takeId = take.id;
  card.root.classList.toggle('audio', group.mediaTag === 'audio');
  card.select.setAttribute('aria-label', `Select take ${take.id} of ${group.title}`);
  card.root.append(card.placeholder, card.prompt, el('p', { className: 'take-meta' }, el('span', { className: 'take-id', textContent: take.id }), ' · ', card.state, card.badge), card.select, card.output);
  const requestIds = retryableRequestId();
  card.select.addEventListener('click', () =>
    sendOperatorRequest({
      output: card.output,
      button: card.select,
      path: 'selections',
      body: { kind: group.kind, storyboardIndex: group.storyboardIndex, takeId: take.id },
      requestIds,
      done: () => 'Selected.',
    }),
  );
  return card;
}

function renderTakeCard(group, card, take, selected, finished) {
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
    form: el('form', { className: 'edit-form', attrs: { 'data-needs': 'ads:edit' } }),
    prompt: el('textarea', { id: textareaId, rows: 2, name: 'prompt' }),
    output: el('output', { className: 'message', attrs: { 'aria-live': 'polite', for: textareaId } }),
  };
  group.root.dataset.group = key;
  const button = el('button', { type: 'submit', textContent: 'Request edit' });
  group.form.append(el('label', { htmlFor: textareaId, textContent: `New prompt for ${title}` }), group.prompt, button, group.output);
  group.root.append(el('h3', { id: headingId, textContent: title }), group.takes, group.form);
  // One id per prompt until the API answers: a second click after a lost answer must not pay for a second edit.
  const requestIds = retryableRequestId();
  group.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ok = await sendOperatorRequest({
      output: group.output,
      button,
      path: 'edits',
      body: { kind, storyboardIndex, prompt: group.prompt.value },
      requestIds,
      done: (answer) => `Edit requested (Vidu task ${answer?.subTaskId ?? '…'}); its take appears here when it is ready.`,
    });
    if (ok) group.prompt.value = '';
  });
  return group;
}

function renderGroup(group, takes, selectedTakeId, finished) {
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
    renderTakeCard(group, card, take, take.id === selectedTakeId, finished);
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

/** Every storyboard's takes, then the narration's and the music's. */
export function renderTakes(status, finished) {
  for (const board of status.storyboards ?? []) {
    const group = groupFor(`video:${board.index}`, { kind: 'video', storyboardIndex: board.index, title: `Storyboard ${board.index + 1}`, mediaTag: 'video' }, page.storyboards);
    renderGroup(group, board.takes ?? [], board.selectedTakeId, finished);
  }
  page.noStoryboards.hidden = (status.storyboards ?? []).length > 0;
  for (const [key, title] of [['narration', 'Narration'], ['bgm', 'Music']]) {
    const track = status[key];
    if (!track) continue;
    renderGroup(groupFor(key, { kind: key, title, mediaTag: 'audio' }, page.audio), track.takes ?? [], track.selectedTakeId, finished);
  }
}
