// The JSON the simulator answers, built from the store on every request so
// that media URLs are freshly signed each time (as Vidu's are).
import type { CreateAdResponse, Creation, TaskCreations } from '../vidu/apiTypes';
import type { MediaSigner } from './media';
import type { SimTask, SimulatorStore } from './store';

/** Vidu's wire shape of a storyboard (with its real misspelling). */
export interface WireStoryboard {
  stroyboard_id: number;
  records: WireRecord[];
}

export interface WireRecord {
  id: string;
  type: string;
  prompt: string;
  creation_url: string;
  state: string;
  err_code: string;
}

export class ResponseBuilder {
  constructor(
    private readonly store: SimulatorStore,
    private readonly media: MediaSigner,
  ) {}

  createAd(ad: SimTask): CreateAdResponse {
    const details = ad.ad!;
    return {
      task_id: ad.id,
      state: ad.state,
      images: details.images,
      prompt: ad.prompt,
      duration: details.duration,
      aspect_ratio: details.aspectRatio,
      language: details.language,
      credits: ad.credits,
    };
  }

  /** GET /ent/v2/tasks/{id}/creations, and every callback body. */
  creations(task: SimTask): TaskCreations {
    const body: TaskCreations = {
      id: task.id,
      state: task.state,
      err_code: task.errCode,
      credits: task.credits,
      payload: task.payload,
      progress: task.progress,
      creations: this.creationList(task),
    };
    if (task.kind === 'ad') Object.assign(body, { bgm: true, off_peak: false });
    return body;
  }

  private creationList(task: SimTask): Creation[] {
    if (task.state !== 'success') return [];
    const source = task.kind === 'ad' ? this.store.get(task.ad!.composed[0] ?? '') : task;
    const creationId = source?.creationId;
    if (!source || !creationId) return [];
    if (isAudio(source)) {
      return [{ id: creationId, url: this.media.url(creationId, 'audio'), cover_url: this.media.url(creationId, 'cover') }];
    }
    return [
      {
        id: creationId,
        url: this.media.url(creationId, 'video'),
        cover_url: this.media.url(creationId, 'cover'),
        watermarked_url: this.media.url(creationId, 'watermarked'),
      },
    ];
  }

  /** GET /ent/v2/ad-one-click/{id}: empty lists until the ad has succeeded. */
  subRecords(ad: SimTask) {
    const details = ad.ad!;
    const records = (ids: string[]) => ids.map((id) => this.record(this.store.get(id)!));
    const storyboards: WireStoryboard[] = details.storyboards.map((ids, index) => ({ stroyboard_id: index, records: records(ids) }));
    return {
      id: ad.id,
      err_code: ad.errCode,
      state: ad.state,
      data_records: {
        storyboards,
        narration_records: records(details.narration),
        bgm_records: records(details.bgm),
        completed_creation_records: details.composed.map((id) => {
          const compose = this.store.get(id)!;
          return {
            id: compose.id,
            state: compose.state,
            err_code: compose.errCode,
            creation_url: this.creationUrl(compose),
            params: compose.composeParams!,
          };
        }),
      },
    };
  }

  private record(task: SimTask): WireRecord {
    return {
      id: task.id,
      type: task.recordType ?? 'generate_video',
      prompt: task.prompt,
      creation_url: this.creationUrl(task),
      state: task.state,
      err_code: task.errCode,
    };
  }

  private creationUrl(task: SimTask): string {
    if (task.state !== 'success' || !task.creationId) return '';
    return this.media.url(task.creationId, isAudio(task) ? 'audio' : 'video');
  }
}

function isAudio(task: SimTask): boolean {
  return task.recordType === 'generate_narration' || task.recordType === 'generate_bgm';
}
