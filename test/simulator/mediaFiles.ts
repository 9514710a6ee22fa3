// Readers for the media files the simulator serves, for the tests: an MP4 box
// walker (the avc1 sample entry's size, mvhd/mdhd durations), a PNG header
// reader and the bundled ffmpeg run as a prober and decoder.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Box {
  type: string;
  /** The box's payload (after its 8- or 16-byte header). */
  body: Buffer;
}

/** The boxes tiling `bytes`; throws when a size runs past the end. */
export function boxes(bytes: Buffer): Box[] {
  const found: Box[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    let size = bytes.readUInt32BE(offset);
    let header = 8;
    if (size === 1) {
      size = Number(bytes.readBigUInt64BE(offset + 8));
      header = 16;
    }
    if (size < header || offset + size > bytes.length) throw new Error(`bad box size ${size} at ${offset}`);
    found.push({ type: bytes.toString('latin1', offset + 4, offset + 8), body: bytes.subarray(offset + header, offset + size) });
    offset += size;
  }
  return found;
}

/** The first box at `path` (e.g. ['moov', 'mvhd']), or undefined. */
export function findBox(bytes: Buffer, path: string[]): Box | undefined {
  let level = boxes(bytes);
  let box: Box | undefined;
  for (const [i, type] of path.entries()) {
    box = level.find((candidate) => candidate.type === type);
    if (!box || i === path.length - 1) return box;
    level = boxes(box.body);
  }
  return box;
}

/** Every box of `type` at `path`'s parent (e.g. all traks in moov). */
export function allBoxes(bytes: Buffer, parent: string[], type: string): Box[] {
  const container = findBox(bytes, parent);
  return container ? boxes(container.body).filter((box) => box.type === type) : [];
}

/** Seconds from an mvhd or mdhd payload (version 0 or 1). */
export function headerSeconds(body: Buffer): number {
  const version = body.readUInt8(0);
  if (version === 1) return Number(body.readBigUInt64BE(24)) / body.readUInt32BE(20);
  return body.readUInt32BE(16) / body.readUInt32BE(12);
}

export interface Mp4Summary {
  topLevel: string[];
  seconds: number;
  /** Per track: its handler (vide/soun), sample entry type (avc1/mp4a), seconds, and width/height for video. */
  tracks: Array<{ handler: string; entry: string; seconds: number; width?: number; height?: number }>;
}

export function readMp4(bytes: Buffer): Mp4Summary {
  const topLevel = boxes(bytes).map((box) => box.type);
  const mvhd = findBox(bytes, ['moov', 'mvhd']);
  if (!mvhd) throw new Error('no moov/mvhd');
  const tracks = allBoxes(bytes, ['moov'], 'trak').map((trak) => {
    const mdia = findBox(trak.body, ['mdia'])!;
    const handler = findBox(mdia.body, ['hdlr'])!.body.toString('latin1', 8, 12);
    const seconds = headerSeconds(findBox(mdia.body, ['mdhd'])!.body);
    const stsd = findBox(mdia.body, ['minf', 'stbl', 'stsd'])!.body;
    // stsd: version/flags(4), entry count(4), then sample entries as boxes.
    const entry = boxes(stsd.subarray(8))[0]!;
    // A visual sample entry: 6 reserved, data ref index(2), 16 pre-defined/reserved, width(2), height(2).
    const size = entry.type === 'avc1' ? { width: entry.body.readUInt16BE(24), height: entry.body.readUInt16BE(26) } : {};
    return { handler, entry: entry.type, seconds, ...size };
  });
  return { topLevel, seconds: headerSeconds(mvhd.body), tracks };
}

/** Width and height from a PNG's IHDR; throws if the signature or IHDR is missing. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error('not a PNG');
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR first');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Offset of the first MPEG audio frame (after an ID3v2 tag if any): 11 set sync bits. */
export function firstMp3Frame(bytes: Buffer): number {
  let offset = 0;
  if (bytes.toString('latin1', 0, 3) === 'ID3') {
    // Tag size: four 7-bit bytes, plus the 10-byte header.
    offset = 10 + ((bytes[6]! << 21) | (bytes[7]! << 14) | (bytes[8]! << 7) | bytes[9]!);
  }
  while (offset < bytes.length && bytes[offset] === 0) offset += 1; // padding
  return offset;
}

export function hasFrameSync(bytes: Buffer, at: number): boolean {
  return bytes[at] === 0xff && (bytes[at + 1]! & 0xe0) === 0xe0;
}

/** Decodes the whole file with ffmpeg: resolves its stderr (stream info) or rejects when it cannot be decoded. */
export async function decodeWithFfmpeg(ffmpeg: string, bytes: Buffer, name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-media-test-'));
  try {
    const file = join(dir, name);
    await writeFile(file, bytes);
    return await new Promise<string>((resolve, reject) => {
      execFile(ffmpeg, ['-hide_banner', '-nostdin', '-v', 'info', '-xerror', '-i', file, '-f', 'null', '-'], (error, _stdout, stderr) => {
        if (error) reject(new Error(`ffmpeg cannot decode ${name}: ${stderr}`));
        else resolve(stderr);
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
