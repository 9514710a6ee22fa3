// What a creation shows, read from the store: a video take (its storyboard's
// product image, its prompt, which take it is), a narration or bgm track, or
// a composed video (its selected takes and audio). Plain data, so that what
// gets rendered is decided here and how in the recipes.
import type { AspectRatio } from '../../vidu/apiTypes';
import type { SimTask, SimulatorStore } from '../store';

export interface FrameSize {
  width: number;
  height: number;
}

/** Small frames in the ad's aspect ratio: renders stay fast and files small. */
const FRAME_SIZES: Record<AspectRatio, FrameSize> = {
  '16:9': { width: 320, height: 180 },
  '9:16': { width: 180, height: 320 },
  '1:1': { width: 240, height: 240 },
};

/** A storyboard's picture: a product image the create carried as a data URI, or a generated backdrop for a URL (unreachable offline). */
export type SourceImage = { kind: 'data'; dataUri: string } | { kind: 'backdrop'; seed: string };

export interface TakeSubject {
  kind: 'take';
  creationId: string;
  size: FrameSize;
  image: SourceImage;
  storyboardIndex: number;
  /** Position among its storyboard's takes (edits come after the ad's own). */
  takeNumber: number;
  caption: string;
}

export interface AudioSubject {
  kind: 'audio';
  creationId: string;
  size: FrameSize;
  role: 'narration' | 'bgm';
  /** Position among the ad's tracks of this role. */
  trackNumber: number;
}

export interface ComposeSubject {
  kind: 'compose';
  creationId: string;
  size: FrameSize;
  takes: TakeSubject[];
  narration?: AudioSubject;
  bgm?: AudioSubject;
}

export type MediaSubject = TakeSubject | AudioSubject | ComposeSubject;

function takeSubject(ad: SimTask, task: SimTask): TakeSubject | undefined {
  const details = ad.ad!;
  const index = task.storyboardIndex;
  if (index === undefined || !task.creationId) return undefined;
  const source = details.images[index % details.images.length] ?? '';
  return {
    kind: 'take',
    creationId: task.creationId,
    size: FRAME_SIZES[details.aspectRatio],
    image: source.startsWith('data:') ? { kind: 'data', dataUri: source } : { kind: 'backdrop', seed: `${ad.id}:${index}` },
    storyboardIndex: index,
    takeNumber: Math.max(0, details.storyboards[index]?.indexOf(task.id) ?? 0),
    caption: task.prompt,
  };
}

function audioSubject(ad: SimTask, task: SimTask): AudioSubject | undefined {
  if (!task.creationId) return undefined;
  const role = task.recordType === 'generate_narration' ? 'narration' : 'bgm';
  const tracks = role === 'narration' ? ad.ad!.narration : ad.ad!.bgm;
  return { kind: 'audio', creationId: task.creationId, size: FRAME_SIZES[ad.ad!.aspectRatio], role, trackNumber: Math.max(0, tracks.indexOf(task.id)) };
}

function composeSubject(store: SimulatorStore, ad: SimTask, task: SimTask): ComposeSubject | undefined {
  const params = task.composeParams!;
  const takes: TakeSubject[] = [];
  for (const id of params.video_task_ids) {
    const take = store.get(id);
    const subject = take && takeSubject(ad, take);
    if (!subject) return undefined;
    takes.push(subject);
  }
  const track = (id: string) => {
    const record = store.get(id);
    return record ? audioSubject(ad, record) : undefined;
  };
  return {
    kind: 'compose',
    creationId: task.creationId!,
    size: FRAME_SIZES[ad.ad!.aspectRatio],
    takes,
    narration: track(params.narration_task_id),
    bgm: track(params.bgm_task_id),
  };
}

/** What the creation `creationId` shows, or undefined when this store did not produce it (e.g. before a reset). */
export function describeCreation(store: SimulatorStore, creationId: string): MediaSubject | undefined {
  const task = store.byCreationId(creationId);
  if (!task || task.kind === 'ad') return undefined;
  const ad = store.get(task.adId);
  if (!ad?.ad) return undefined;
  if (task.composeParams) return composeSubject(store, ad, task);
  if (task.recordType === 'generate_narration' || task.recordType === 'generate_bgm') return audioSubject(ad, task);
  return takeSubject(ad, task);
}
