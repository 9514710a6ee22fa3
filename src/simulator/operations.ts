// What each Vidu endpoint does to the simulation, independent of HTTP:
// validate, check the account and the ad, charge, create the task, answer.
import type { ComposeResponse, CreditsResponse, EditResponse, EditType } from '../vidu/apiTypes';
import { ApiError, badRequest, fieldInvalid, taskNotFound } from './errors';
import { adCredits, bgmEditCredits, COMPOSE_CREDITS, narrationEditCredits, storyboardEditCredits } from './pricing';
import type { Simulation } from './simulation';
import type { SimTask } from './store';
import { parseCompose, parseCreate, parseEdit } from './validation';

export class ViduOperations {
  constructor(private readonly sim: Simulation) {}

  create(body: unknown) {
    const input = parseCreate(body);
    const { store, shared } = this.sim;
    const credits = adCredits(input.duration);
    store.ensureAffordable(credits);
    const id = shared.ids.next();
    const ad = this.newTask({
      id,
      kind: 'ad',
      adId: id,
      credits,
      prompt: input.prompt,
      payload: '',
      callbackUrl: input.callbackUrl,
      doomedTo: shared.faults.failureFor('ad'),
      ad: {
        images: input.images,
        duration: input.duration,
        aspectRatio: input.aspectRatio,
        language: input.language,
        storyboards: [],
        narration: [],
        bgm: [],
        composed: [],
      },
    });
    store.counters.tasksCreated.ad += 1;
    store.perAd(id).creates += 1;
    return this.sim.responses.createAd(ad);
  }

  creations(id: string) {
    return this.sim.responses.creations(this.task(id));
  }

  subRecords(id: string) {
    const ad = this.ad(id);
    if (ad.state !== 'success') this.sim.store.counters.subRecordReadsBeforeSuccess += 1;
    return this.sim.responses.subRecords(ad);
  }

  edit(body: unknown): EditResponse {
    const input = parseEdit(body);
    const ad = this.finishedAd(input.adId);
    const details = ad.ad!;
    if (input.type === 'generate_video' && input.storyboardIndex! >= details.storyboards.length) {
      throw fieldInvalid(
        'storyboard_video_index',
        `must be from 0 to ${details.storyboards.length - 1}: ad ${ad.id} has ${details.storyboards.length} storyboards (got ${input.storyboardIndex})`,
      );
    }
    const credits = editCredits(input.type, input.prompt, details.duration);
    this.sim.store.ensureAffordable(credits);
    const task = this.newTask({
      id: this.sim.shared.ids.next(),
      kind: 'edit',
      adId: ad.id,
      credits,
      prompt: input.prompt,
      payload: input.payload,
      callbackUrl: input.callbackUrl,
      recordType: input.type,
      storyboardIndex: input.storyboardIndex,
      doomedTo: this.sim.shared.faults.failureFor('edit', { editType: input.type, adId: ad.id }),
    });
    // The record shows up in the ad's lists at once, with its running state.
    if (input.type === 'generate_video') details.storyboards[input.storyboardIndex!]!.push(task.id);
    else if (input.type === 'generate_narration') details.narration.push(task.id);
    else details.bgm.push(task.id);
    this.sim.store.counters.tasksCreated.edit += 1;
    this.sim.store.perAd(ad.id).edits += 1;
    return { ad_one_click_task_id: ad.id, sub_task_id: task.id, state: task.state, err_code: '', credits };
  }

  compose(body: unknown): ComposeResponse {
    const input = parseCompose(body);
    const ad = this.finishedAd(input.adId);
    const details = ad.ad!;
    if (input.videoTaskIds.length !== details.storyboards.length) {
      throw new ApiError(
        400,
        'FieldItemCountOutOfRange',
        `video_task_ids must hold one id per storyboard: ad ${ad.id} has ${details.storyboards.length} (got ${input.videoTaskIds.length})`,
      );
    }
    input.videoTaskIds.forEach((id, index) => this.requireRecord(`video_task_ids[${index}]`, id, ad, 'generate_video', index));
    this.requireRecord('narration_task_id', input.narrationTaskId, ad, 'generate_narration');
    this.requireRecord('bgm_task_id', input.bgmTaskId, ad, 'generate_bgm');
    this.sim.store.ensureAffordable(COMPOSE_CREDITS);
    const task = this.newTask({
      id: this.sim.shared.ids.next(),
      kind: 'compose',
      adId: ad.id,
      credits: COMPOSE_CREDITS,
      prompt: '',
      payload: input.payload,
      callbackUrl: input.callbackUrl,
      composeParams: { video_task_ids: input.videoTaskIds, bgm_task_id: input.bgmTaskId, narration_task_id: input.narrationTaskId },
      doomedTo: this.sim.shared.faults.failureFor('compose', { adId: ad.id }),
    });
    // Like an edit's record, the compose shows up in completed_creation_records at once, with its running state.
    details.composed.push(task.id);
    this.sim.store.counters.tasksCreated.compose += 1;
    this.sim.store.perAd(ad.id).composes += 1;
    return { ad_one_click_task_id: ad.id, compose_sub_task_id: task.id, state: task.state, credits: COMPOSE_CREDITS };
  }

  cancel(id: string) {
    const task = this.task(id);
    this.sim.lifecycle.cancel(task);
    return this.sim.responses.creations(task);
  }

  credits(): CreditsResponse {
    const { store, lifecycle, shared } = this.sim;
    return {
      remains: [{ type: 'credit', credit_remain: store.counters.creditsRemaining }],
      concurrency_limit: shared.options.concurrencyLimit,
      current_concurrency: lifecycle.runningCount,
      queue_count: lifecycle.waitingCount,
    };
  }

  private newTask(fields: Omit<SimTask, 'state' | 'progress' | 'errCode'>): SimTask {
    const task: SimTask = { ...fields, state: 'created', progress: 0, errCode: '' };
    this.sim.store.add(task);
    this.sim.store.charge(task);
    this.sim.lifecycle.start(task);
    return task;
  }

  private task(id: string): SimTask {
    const task = this.sim.store.get(id);
    if (!task) throw taskNotFound(id);
    return task;
  }

  private ad(id: string): SimTask {
    const task = this.sim.store.get(id);
    if (task?.kind !== 'ad') throw taskNotFound(id);
    return task;
  }

  /**
   * Edits and composes need a finished, successful ad. Vidu does not document
   * the answer for an unfinished one; we answer 400 BadRequest "main task not finished".
   */
  private finishedAd(id: string): SimTask {
    const ad = this.ad(id);
    if (ad.state !== 'success') {
      const why = ad.state === 'failed' || ad.state === 'canceled' ? `ended ${ad.state}` : `is still ${ad.state}`;
      throw badRequest(`main task not finished: ad ${id} ${why}`);
    }
    return ad;
  }

  private requireRecord(field: string, id: string, ad: SimTask, type: EditType, storyboardIndex?: number): void {
    const record = this.sim.store.get(id);
    const where = storyboardIndex === undefined ? `of ad ${ad.id}` : `of storyboard ${storyboardIndex} of ad ${ad.id}`;
    if (!record || record.adId !== ad.id || record.recordType !== type || (storyboardIndex !== undefined && record.storyboardIndex !== storyboardIndex)) {
      throw fieldInvalid(field, `${id} is not a ${type} record ${where}`);
    }
    if (record.state !== 'success') throw fieldInvalid(field, `${id} is ${record.state}, not success`);
  }
}

function editCredits(type: EditType, prompt: string, adDuration: number): number {
  if (type === 'generate_video') return storyboardEditCredits(adDuration);
  if (type === 'generate_narration') return narrationEditCredits(prompt);
  return bgmEditCredits(adDuration);
}
