// What a task leaves behind when it succeeds. An ad produces, per storyboard,
// one or two video takes (two on even indexes, so clients meet both cases),
// plus one narration, one bgm and a first composed video built from the first
// take of each storyboard. Edits and composes produce one creation each (their
// records are listed from the moment they are created: see operations.ts).
import type { EditType, Language } from '../vidu/apiTypes';
import { storyboardCount } from './pricing';
import type { SimTask, SimulatorStore } from './store';
import type { TaskIdGenerator } from './taskIds';

export function takesOfStoryboard(index: number): number {
  return index % 2 === 0 ? 2 : 1;
}

export function produceOutputs(task: SimTask, store: SimulatorStore, ids: TaskIdGenerator): void {
  store.setCreation(task, ids.next());
  if (task.kind === 'ad') produceAdOutputs(task, store, ids);
}

function produceAdOutputs(ad: SimTask, store: SimulatorStore, ids: TaskIdGenerator): void {
  const details = ad.ad!;
  const output = (recordType: EditType | undefined, prompt: string, storyboardIndex?: number): SimTask => {
    const task: SimTask = {
      id: ids.next(),
      kind: 'output',
      adId: ad.id,
      state: 'success',
      progress: 100,
      errCode: '',
      credits: 0,
      prompt,
      payload: '',
      recordType,
      storyboardIndex,
    };
    store.add(task);
    store.setCreation(task, ids.next());
    return task;
  };
  const count = storyboardCount(details.duration);
  details.storyboards = Array.from({ length: count }, (_, index) =>
    Array.from({ length: takesOfStoryboard(index) }, (_unused, take) =>
      output('generate_video', storyboardPrompt(ad.prompt, index, take), index).id,
    ),
  );
  details.narration = [output('generate_narration', narrationText(details.language)).id];
  details.bgm = [output('generate_bgm', 'Upbeat modern pop, light percussion, bright synth, builds to a confident finish').id];
  const composed = output(undefined, '');
  composed.composeParams = {
    video_task_ids: details.storyboards.map((takes) => takes[0]!),
    bgm_task_id: details.bgm[0]!,
    narration_task_id: details.narration[0]!,
  };
  details.composed = [composed.id];
}

function storyboardPrompt(adPrompt: string, index: number, take: number): string {
  const shots = ['Opening close-up of the product on a clean backdrop', 'The product in everyday use', 'Detail shot of the finish and materials'];
  const shot = shots[index % shots.length]!;
  return `${shot}${adPrompt ? `, ${adPrompt}` : ''} (take ${take + 1})`;
}

function narrationText(language: Language): string {
  return language === 'zh' ? '遇见你期待已久的好物，品质看得见，生活更出彩。' : 'Meet the product you have been waiting for: quality you can see, every single day.';
}
