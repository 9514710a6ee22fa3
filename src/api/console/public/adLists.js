// The ad's edits and its refused requests. Lists hold no media, so they are
// simply redrawn when their data changed.
import { el, formatTime } from './common.js';
import { page } from './adPage.js';

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

const refusedOf = (status) => (status?.requests ?? []).filter((r) => r.outcome === 'rejected');

/** Redraws the lists that differ from the `previous` status's. */
export function renderLists(status, previous) {
  const edits = status.edits ?? [];
  if (JSON.stringify(edits) !== JSON.stringify(previous?.edits)) page.edits.replaceChildren(...edits.map(editLine));
  page.noEdits.hidden = edits.length > 0;
  const refused = refusedOf(status);
  if (JSON.stringify(refused) !== JSON.stringify(refusedOf(previous))) {
    page.refused.replaceChildren(...refused.map((r) => el('li', {}, el('strong', { textContent: r.kind }), ` (${r.via}, ${formatTime(r.at)}): `, r.reason ?? 'refused')));
  }
  page.refusedSection.hidden = refused.length === 0;
}
