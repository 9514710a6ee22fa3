// The picture a storyboard gets when its product image is a URL the offline
// simulator cannot fetch: a diagonal gradient between two colours picked from
// the seed, with a soft disc where the product would stand.
import { deflateSync } from 'node:zlib';
import { seededBytes } from '../mediaBytes';
import { PNG_SIGNATURE, pngChunk } from '../png';
import type { FrameSize } from './subjects';

export function backdropPng(seed: string, size: FrameSize): Buffer {
  const { width, height } = size;
  const [r1, g1, b1, r2, g2, b2] = [...seededBytes(`backdrop:${seed}`, 6)] as [number, number, number, number, number, number];
  const radius = Math.min(width, height) * 0.28;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3); // leading 0: no filter
    for (let x = 0; x < width; x += 1) {
      const along = (x / width + y / height) / 2;
      const distance = Math.hypot(x - width / 2, y - height / 2);
      const glow = Math.max(0, 1 - distance / radius) * 0.6; // lightens towards white in the middle
      const mix = (a: number, b: number) => Math.round((a + (b - a) * along) * (1 - glow) + 255 * glow);
      row.set([mix(r1, r2), mix(g1, g2), mix(b1, b2)], 1 + x * 3);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type: truecolour
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.concat(rows))), pngChunk('IEND', Buffer.alloc(0))]);
}
