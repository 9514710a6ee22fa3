// The main ad tasks the simulator holds, with what their create request
// carried and the edits and composes made for them: lets a test find every
// task an ad's creates made (by the image URLs it sent) even when the client
// never learnt a task's id, which is what "exactly one create per ad" has to
// be checked against, and tell when each task finished.
import type { SimTask, SimulatorStore } from './store';

export interface SimulatedTask {
  taskId: string;
  state: string;
  /** Epoch ms when the task was accepted. */
  createdAt?: number;
  /** Epoch ms when the task reached a final state. */
  finishedAt?: number;
}

export interface SimulatedAd extends SimulatedTask {
  images: string[];
  callbackUrl?: string;
  /** The edits and composes requested for this ad, oldest first. */
  subTasks: Array<SimulatedTask & { kind: 'edit' | 'compose' }>;
}

function taskView(task: SimTask): SimulatedTask {
  return {
    taskId: task.id,
    state: task.state,
    ...(task.createdAt !== undefined && { createdAt: task.createdAt }),
    ...(task.finishedAt !== undefined && { finishedAt: task.finishedAt }),
  };
}

export function listAds(store: SimulatorStore): SimulatedAd[] {
  const ads: SimulatedAd[] = [];
  const subTasks = new Map<string, SimulatedAd['subTasks']>();
  for (const task of store.tasks.values()) {
    if (task.kind !== 'edit' && task.kind !== 'compose') continue;
    const list = subTasks.get(task.adId) ?? [];
    list.push({ ...taskView(task), kind: task.kind });
    subTasks.set(task.adId, list);
  }
  for (const task of store.tasks.values()) {
    if (task.kind !== 'ad' || !task.ad) continue;
    ads.push({
      ...taskView(task),
      images: [...task.ad.images],
      ...(task.callbackUrl ? { callbackUrl: task.callbackUrl } : {}),
      subTasks: subTasks.get(task.id) ?? [],
    });
  }
  return ads;
}
