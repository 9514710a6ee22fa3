// A small seeded pseudo-random generator (mulberry32) for fault rates, so a
// test can ask for "half the requests fail" and know exactly which ones will.
// Not for anything that needs real randomness.

/** Numbers in [0, 1), the same sequence for the same seed (taken as a 32-bit unsigned integer). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
