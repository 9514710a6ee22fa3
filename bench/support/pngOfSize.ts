// A real PNG of about a given size, for measuring what a large upload costs.
// The pixels are noise stored without compression (deflate level 0), so the
// file is as big as its pixels, like a photo that does not compress.
// (test/vidu/tinyImages.ts's flat-colour PNGs deflate to almost nothing.)
import { greyscalePng } from '../../test/vidu/tinyImages';

/** A deterministic byte stream (xorshift32), so runs upload the same images. */
function noise(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** An 8-bit greyscale PNG, about square (inside Vidu's 1:4-4:1 rule at any size), weighing about `approxBytes`. */
export function noisyPng(approxBytes: number, seed: number): Buffer {
  const width = Math.max(1, Math.round(Math.sqrt(approxBytes)));
  const height = Math.max(1, Math.ceil(approxBytes / (width + 1)));
  const raw = noise(height * (width + 1), seed);
  for (let row = 0; row < height; row++) raw[row * (width + 1)] = 0; // filter type "none"
  return greyscalePng(width, height, raw, 0);
}
