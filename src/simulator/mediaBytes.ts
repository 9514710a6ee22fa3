// Small but well-formed placeholder media files, the same bytes every time for
// the same creation: an MP4 (ftyp + mdat), an MP3 (ID3 tag + MPEG frames) and a
// PNG cover. Enough for a downloader to check type, size and integrity, and
// instant: what the simulator serves in `media: 'placeholder'` mode or with no
// ffmpeg to render real files.
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { MediaVariant } from './media';
import { PNG_SIGNATURE, pngChunk } from './png';

/** `length` pseudo-random bytes derived from `seed`. */
export function seededBytes(seed: string, length: number): Buffer {
  const chunks: Buffer[] = [];
  let block = createHash('sha256').update(seed).digest();
  let total = 0;
  while (total < length) {
    chunks.push(block);
    total += block.length;
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(chunks).subarray(0, length);
}

function box(type: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, payload]);
}

export function mp4Bytes(seed: string): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.write('isom', 0, 'latin1'); // major brand
  ftyp.writeUInt32BE(0x200, 4); // minor version
  ftyp.write('isomiso2avc1mp41', 8, 'latin1'); // compatible brands
  return Buffer.concat([box('ftyp', ftyp), box('free', Buffer.alloc(0)), box('mdat', seededBytes(`mp4:${seed}`, 4096))]);
}

export function mp3Bytes(seed: string): Buffer {
  const id3 = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]); // "ID3" v2.4, empty tag
  // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames.
  const frames: Buffer[] = [];
  for (let i = 0; i < 8; i += 1) {
    frames.push(Buffer.from([0xff, 0xfb, 0x90, 0x64]), seededBytes(`mp3:${seed}:${i}`, 413));
  }
  return Buffer.concat([id3, ...frames]);
}

/** A 16x9 RGB image of one colour picked from the seed. */
export function pngBytes(seed: string): Buffer {
  const width = 16;
  const height = 9;
  const [r, g, b] = seededBytes(`png:${seed}`, 3);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type: truecolour
  const row = Buffer.alloc(1 + width * 3); // leading 0: no filter
  for (let x = 0; x < width; x += 1) row.set([r!, g!, b!], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** The placeholder file of a creation, for when media is not rendered. */
export function placeholderBytes(creationId: string, variant: MediaVariant): Buffer {
  switch (variant) {
    case 'cover':
      return pngBytes(creationId);
    case 'audio':
      return mp3Bytes(creationId);
    case 'watermarked':
      return mp4Bytes(`${creationId}:watermarked`);
    case 'video':
      return mp4Bytes(creationId);
  }
}
