// The starter library, for services that start and steer ads:
//   const ad = await startAd(client, { adId, images, prompt }, { taskQueue, artifacts });
//   await ad.edit({ kind: 'video', storyboardIndex: 1, prompt: '...', requestId: 'job-42-edit-1' });
//   const result = await ad.result();
//   const again = await retryAd(client, adId); // after a failure: resumes from Vidu's task when it succeeded
//   const campaign = await startCampaign(client, { campaignId, images, prompt, variants }, { taskQueue, artifacts });
//   await campaign.approve({ requestId: 'job-42-approve' }); // every ad of the campaign in review
export { startAd, type StartAdOptions } from './starter/startAd';
export { getAdHandle, type AdHandle, type AdHandleOptions } from './starter/adHandle';
export { retryAd, type RetryAdOptions, type RetriedAd } from './starter/retryAd';
export { type StartAdRequest, AD_ID_PATTERN } from './starter/adRequest';
export { AdInputError, AdNotFoundError, AdRequestRejectedError, AdRetryRefusedError, type InputIssue, type RetryRefusal } from './starter/errors';
export type { ImageStore } from './starter/images';
export { startCampaign, type StartCampaignOptions } from './starter/startCampaign';
export { getCampaignHandle, type CampaignHandle } from './starter/campaignHandle';
