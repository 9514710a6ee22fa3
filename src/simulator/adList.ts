// The main ad tasks the simulator holds, with what their create request
// carried: lets a test find every task an ad's creates made (by the image
// URLs it sent) even when the client never learnt a task's id, which is what
// "exactly one create per ad" has to be checked against.
import type { SimulatorStore } from './store';

export interface SimulatedAd {
  taskId: string;
  state: string;
  images: string[];
  callbackUrl?: string;
}

export function listAds(store: SimulatorStore): SimulatedAd[] {
  const ads: SimulatedAd[] = [];
  for (const task of store.tasks.values()) {
    if (task.kind !== 'ad' || !task.ad) continue;
    ads.push({ taskId: task.id, state: task.state, images: [...task.ad.images], ...(task.callbackUrl ? { callbackUrl: task.callbackUrl } : {}) });
  }
  return ads;
}
