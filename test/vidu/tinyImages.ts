// Builds small but complete PNG, JPEG and WebP files of any size, as bytes,
// so the header reader and the aspect-ratio rule are tested on real images
// rather than on hand-written header fragments. Each is a single flat colour.
import { deflateSync } from 'node:zlib';
import { PNG_SIGNATURE, pngChunk } from '../../src/simulator/png';

/**
 * An 8-bit greyscale PNG of the given rows (each: a filter byte, then one byte
 * per pixel), deflated at `level` (0 stores the pixels as they are).
 */
export function greyscalePng(width: number, height: number, rows: Buffer, level = 6): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(rows, { level })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A flat black 8-bit greyscale PNG. */
export function tinyPng(width: number, height: number): Buffer {
  return greyscalePng(width, height, Buffer.alloc(height * (width + 1)));
}

function jpegSegment(marker: number, data: number[]): number[] {
  const length = data.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...data];
}

/**
 * A baseline greyscale JPEG. Both Huffman tables hold a single one-bit code,
 * so each 8x8 block is "DC difference 0, end of block": two zero bits.
 * `exifBytes` adds an APP1 segment before the frame header, as cameras do.
 */
export function tinyJpeg(width: number, height: number, opts: { exifBytes?: number } = {}): Buffer {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const scanBits = blocks * 2;
  const scan = new Array<number>(Math.ceil(scanBits / 8)).fill(0);
  // Pad the last byte with 1 bits, as the standard asks.
  const spare = scan.length * 8 - scanBits;
  if (spare > 0) scan[scan.length - 1] = (1 << spare) - 1;
  const singleCode = [1, ...new Array<number>(15).fill(0), 0x00];
  const bytes = [
    0xff, 0xd8,
    ...jpegSegment(0xe0, [...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...(opts.exifBytes ? jpegSegment(0xe1, [...Buffer.from('Exif\0\0', 'latin1'), ...new Array<number>(opts.exifBytes).fill(0)]) : []),
    ...jpegSegment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...jpegSegment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...jpegSegment(0xc4, [0x00, ...singleCode]),
    ...jpegSegment(0xc4, [0x10, ...singleCode]),
    ...jpegSegment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...scan,
    0xff, 0xd9,
  ];
  return Buffer.from(bytes);
}

class BitWriter {
  private readonly bytes: number[] = [];
  private bit = 0;
  write(value: number, count: number): void {
    for (let i = 0; i < count; i++) {
      if (this.bit === 0) this.bytes.push(0);
      if ((value >> i) & 1) this.bytes[this.bytes.length - 1]! |= 1 << this.bit;
      this.bit = (this.bit + 1) % 8;
    }
  }
  done(): Buffer {
    return Buffer.from(this.bytes);
  }
}

function riff(chunks: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), ...chunks]);
  const header = Buffer.alloc(8);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

function webpChunk(fourcc: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(fourcc, 0, 'latin1');
  header.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, data, Buffer.alloc(data.length % 2)]);
}

/**
 * A lossless (VP8L) black image. Every prefix code has one symbol, and a
 * one-symbol code takes zero bits, so the pixels themselves cost nothing.
 */
function vp8lBitstream(width: number, height: number): Buffer {
  const w = new BitWriter();
  w.write(0x2f, 8); // signature
  w.write(width - 1, 14);
  w.write(height - 1, 14);
  w.write(0, 1); // alpha not used
  w.write(0, 3); // version
  w.write(0, 1); // no transform
  w.write(0, 1); // no colour cache
  w.write(0, 1); // no meta prefix codes
  const oneSymbol = (symbol: number) => {
    w.write(1, 1); // simple code
    w.write(0, 1); // one symbol
    if (symbol < 2) {
      w.write(0, 1); // 1-bit symbol
      w.write(symbol, 1);
    } else {
      w.write(1, 1); // 8-bit symbol
      w.write(symbol, 8);
    }
  };
  oneSymbol(0); // green
  oneSymbol(0); // red
  oneSymbol(0); // blue
  oneSymbol(255); // alpha: opaque
  oneSymbol(0); // distance
  return w.done();
}

/** A simple-format lossless WebP. */
export function tinyWebp(width: number, height: number): Buffer {
  return riff([webpChunk('VP8L', vp8lBitstream(width, height))]);
}

/** An extended-format WebP: a VP8X chunk (canvas size) before the same lossless image. */
export function tinyWebpExtended(width: number, height: number): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  return riff([webpChunk('VP8X', vp8x), webpChunk('VP8L', vp8lBitstream(width, height))]);
}

/** Only the header of a lossy (VP8) WebP: enough for the header reader, not a decodable image. */
export function lossyWebpHeader(width: number, height: number): Buffer {
  const frame = Buffer.alloc(10);
  frame.set([0x9d, 0x01, 0x2a], 3);
  frame.writeUInt16LE(width, 6);
  frame.writeUInt16LE(height, 8);
  return riff([webpChunk('VP8 ', frame)]);
}

export function dataUri(mime: string, bytes: Buffer): string {
  return `data:${mime};base64,${bytes.toString('base64')}`;
}
