// A real PNG of about a given size, for measuring what a large upload costs.
// The pixels are noise stored without compression (deflate level 0), so the
// file is as big as its pixels, like a photo that does not compress.
// (test/vidu/tinyImages.ts builds flat-colour PNGs, which deflate to almost
// nothing; this builder differs only in its pixels and compression level.)
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

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
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
