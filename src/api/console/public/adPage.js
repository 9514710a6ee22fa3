// The ad page's fixed parts: which ad it shows (from the address) and the
// elements of ad.html the page's modules fill in.
/* global document, location */

export const adId = decodeURIComponent(location.pathname.replace(/^\/ads\//, '').replace(/\/$/, ''));

export const byId = (id) => document.getElementById(id);

export const page = {
  main: byId('ad-page'),
  error: byId('page-error'),
  stage: byId('stage'),
  live: byId('live'),
  progressRow: byId('progress-row'),
  progress: byId('progress'),
  progressText: byId('progress-text'),
  credits: byId('credits'),
  editsUsed: byId('edits-used'),
  deadlineFact: byId('deadline-fact'),
  deadline: byId('review-deadline'),
  next: byId('next'),
  waiting: byId('waiting'),
  lastError: byId('last-error'),
  actions: byId('actions'),
  actionsOutput: byId('actions-output'),
  result: byId('result'),
  finalVideo: byId('final-video'),
  finalLink: byId('final-link'),
  finalFacts: byId('final-facts'),
  storyboards: byId('storyboards'),
  noStoryboards: byId('no-storyboards'),
  audio: byId('audio'),
  edits: byId('edits'),
  noEdits: byId('no-edits'),
  refusedSection: byId('refused-section'),
  refused: byId('refused'),
};
