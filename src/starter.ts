// The starter library, for services that start and steer ads:
//   const ad = await startAd(client, { adId, images, prompt }, { taskQueue, artifacts });
//   await ad.edit({ kind: 'video', storyboardIndex: 1, prompt: '...' });
//   const result = await ad.result();
export { startAd, type StartAdOptions } from './starter/startAd';
export { getAdHandle, type AdHandle } from './starter/adHandle';
export { type StartAdRequest, AD_ID_PATTERN } from './starter/adRequest';
export { AdInputError, AdNotFoundError, AdRequestRejectedError, type InputIssue } from './starter/errors';
export type { ImageStore } from './starter/images';
