// The ads the fault cases run: one edit (so that an edit and a compose are
// paid for and can go wrong) unless a case says otherwise.
import type { EditRequestInput } from '../../src/workflows/ad/contract';

/** One video edit: the ad then pays for one create, one edit and one compose. */
export const ONE_EDIT: EditRequestInput[] = [{ kind: 'video', storyboardIndex: 0, prompt: 'the bottle in the rain' }];

/** What Vidu should have charged an ad started with ONE_EDIT. */
export const ONE_EDIT_CHARGES = { edits: 1, composed: true } as const;

/** What Vidu should have charged an ad with no edits: the first video is kept, nothing composed. */
export const NO_EDIT_CHARGES = { edits: 0, composed: false } as const;
