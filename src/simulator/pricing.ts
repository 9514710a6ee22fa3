// Credit prices from docs/vidu-api.md ("Limits and prices"): charged when a task is
// created and refunded when it fails or is cancelled.
import { charCount } from './charCount';

export const AD_CREDITS_PER_SECOND = 40;
export const STORYBOARD_CREDITS_PER_SECOND = 40;
export const NARRATION_CREDITS_PER_500_CHARS = 10;
export const BGM_CREDITS_PER_SECOND = 2;
export const COMPOSE_CREDITS = 1;

/** Storyboards of an ad: one per ~5 seconds (15 s -> 3). */
export function storyboardCount(durationSeconds: number): number {
  return Math.max(1, Math.round(durationSeconds / 5));
}

export function adCredits(durationSeconds: number): number {
  return AD_CREDITS_PER_SECOND * durationSeconds;
}

export function storyboardEditCredits(adDurationSeconds: number): number {
  return Math.ceil((STORYBOARD_CREDITS_PER_SECOND * adDurationSeconds) / storyboardCount(adDurationSeconds));
}

export function narrationEditCredits(prompt: string): number {
  return NARRATION_CREDITS_PER_500_CHARS * Math.max(1, Math.ceil(charCount(prompt) / 500));
}

export function bgmEditCredits(adDurationSeconds: number): number {
  return BGM_CREDITS_PER_SECOND * adDurationSeconds;
}
