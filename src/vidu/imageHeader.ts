// Reads an image's pixel size from its header, for the formats Vidu accepts
// (PNG, JPEG, WebP), so a data-URI image can be checked against Vidu's
// aspect-ratio rule before it is uploaded and billed. Only headers are read;
// the image is never decoded.

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export type ImageHeaderResult =
  | { ok: true; format: ImageFormat; width: number; height: number }
  | { ok: false; reason: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return Buffer.from(bytes.subarray(at, at + length)).toString('latin1');
}

function sized(format: ImageFormat, width: number, height: number): ImageHeaderResult {
  if (width <= 0 || height <= 0) return { ok: false, reason: `${format} header gives a size of ${width}x${height}` };
  return { ok: true, format, width, height };
}

function readPng(bytes: Uint8Array): ImageHeaderResult {
  // Signature, then the IHDR chunk must come first: length(4) "IHDR" width(4) height(4).
  if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') return { ok: false, reason: 'png is truncated or its first chunk is not IHDR' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return sized('png', view.getUint32(16), view.getUint32(20));
}

/** SOFn markers carry the frame size; C4 (DHT), C8 (reserved) and CC (DAC) share the range but do not. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpeg(bytes: Uint8Array): ImageHeaderResult {
  // EXIF orientation may swap width and height on screen; the aspect-ratio rule
  // is symmetric (1:4 to 4:1), so the stored frame size is enough.
  let at = 2;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) return { ok: false, reason: `jpeg has no segment marker at byte ${at}` };
    while (bytes[at] === 0xff) at++; // fill bytes may precede a marker
    const marker = bytes[at];
    at++;
    if (marker === undefined) break;
    // Markers without a length field.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd9 || marker === 0xda) return { ok: false, reason: 'jpeg has no frame header (SOFn) before its image data' };
    if (at + 2 > bytes.length) break;
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    if (length < 2) return { ok: false, reason: `jpeg segment at byte ${at} has an invalid length` };
    if (isStartOfFrame(marker)) {
      // length(2) precision(1) height(2) width(2)
      if (at + 7 > bytes.length) break;
      const height = (bytes[at + 3]! << 8) | bytes[at + 4]!;
      const width = (bytes[at + 5]! << 8) | bytes[at + 6]!;
      if (height === 0) return { ok: false, reason: 'jpeg defines its height later (DNL marker), which is not supported' };
      return sized('jpeg', width, height);
    }
    at += length;
  }
  return { ok: false, reason: 'jpeg is truncated before its frame header (SOFn)' };
}

function readWebp(bytes: Uint8Array): ImageHeaderResult {
  // RIFF(4) size(4) WEBP(4), then the first chunk: fourcc(4) size(4) data.
  const chunk = ascii(bytes, 12, 4);
  const data = 20;
  if (chunk === 'VP8X') {
    // flags(1) reserved(3) canvas width-1 (24-bit LE) canvas height-1 (24-bit LE)
    if (bytes.length < data + 10) return { ok: false, reason: 'webp VP8X header is truncated' };
    const width = 1 + (bytes[data + 4]! | (bytes[data + 5]! << 8) | (bytes[data + 6]! << 16));
    const height = 1 + (bytes[data + 7]! | (bytes[data + 8]! << 8) | (bytes[data + 9]! << 16));
    return sized('webp', width, height);
  }
  if (chunk === 'VP8L') {
    // signature 0x2f, then 14 bits width-1 and 14 bits height-1, little-endian bit order.
    if (bytes.length < data + 5 || bytes[data] !== 0x2f) return { ok: false, reason: 'webp VP8L header is truncated or lacks its signature' };
    const b1 = bytes[data + 1]!;
    const b2 = bytes[data + 2]!;
    const b3 = bytes[data + 3]!;
    const b4 = bytes[data + 4]!;
    const width = 1 + (b1 | ((b2 & 0x3f) << 8));
    const height = 1 + ((b2 >> 6) | (b3 << 2) | ((b4 & 0x0f) << 10));
    return sized('webp', width, height);
  }
  if (chunk === 'VP8 ') {
    // frame tag(3), start code 9d 01 2a, then 14-bit width and height (the top 2 bits are scaling).
    if (bytes.length < data + 10 || !startsWith(bytes, [0x9d, 0x01, 0x2a], data + 3)) {
      return { ok: false, reason: 'webp VP8 header is truncated or lacks its start code' };
    }
    const width = (bytes[data + 6]! | (bytes[data + 7]! << 8)) & 0x3fff;
    const height = (bytes[data + 8]! | (bytes[data + 9]! << 8)) & 0x3fff;
    return sized('webp', width, height);
  }
  return { ok: false, reason: `webp starts with an unknown chunk "${chunk}"` };
}

/** Identifies a PNG, JPEG or WebP image by its magic bytes and reads its width and height. */
export function readImageHeader(bytes: Uint8Array): ImageHeaderResult {
  if (startsWith(bytes, PNG_SIGNATURE)) return readPng(bytes);
  if (startsWith(bytes, [0xff, 0xd8])) return readJpeg(bytes);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return readWebp(bytes);
  return { ok: false, reason: 'not a png, jpeg or webp image' };
}
