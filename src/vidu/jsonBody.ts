// A request body serialised as JSON without ever holding it as one string:
// long strings that JSON writes as they are (data-URI images: base64 is
// printable ASCII with nothing to escape) stay out of the serialised skeleton
// and are cut into buffers only as the body is sent. The bytes are exactly
// JSON.stringify's, and the length is known before sending (content-length,
// Vidu's 20 MB limit). A create request with seven 1 MB images is ~9 MB of
// base64: building it as one string, then as one buffer, then again to
// measure it, was most of a worker's memory peak while creating ads.
const INLINE_MAX = 64 * 1024;
const CHUNK_CHARS = 64 * 1024;
/** Printable ASCII except `"` and `\`: JSON.stringify writes such a string unchanged between quotes. */
const VERBATIM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

export interface JsonBody {
  /** The body's size in bytes (UTF-8), the same as Buffer.byteLength(JSON.stringify(value)). */
  readonly byteLength: number;
  /** The body's bytes, in order; each call starts again from the beginning. */
  chunks(): Generator<Buffer>;
}

export function jsonBody(value: unknown): JsonBody {
  const long: string[] = [];
  // A marker that cannot occur in the skeleton otherwise: a control character JSON always escapes.
  const marker = `\u0000${Math.random().toString(36).slice(2)}\u0000`;
  const skeleton = JSON.stringify(value, (_key, field: unknown) => {
    if (typeof field === 'string' && field.length > INLINE_MAX && VERBATIM.test(field)) {
      long.push(field);
      return marker;
    }
    return field;
  });
  if (skeleton === undefined) throw new TypeError('the request body is not serialisable to JSON');
  // JSON.stringify escaped the marker's control characters: find it as written.
  const written = JSON.stringify(marker).slice(1, -1);
  const parts = skeleton.split(written);
  if (parts.length !== long.length + 1) throw new Error('jsonBody: a marker was written where no long string was');
  const byteLength = parts.reduce((sum, part) => sum + Buffer.byteLength(part, 'utf8'), 0) + long.reduce((sum, text) => sum + text.length, 0);
  return {
    byteLength,
    *chunks() {
      for (let i = 0; i < parts.length; i++) {
        if (parts[i]!.length > 0) yield Buffer.from(parts[i]!, 'utf8');
        const text = long[i];
        if (text === undefined) continue;
        for (let at = 0; at < text.length; at += CHUNK_CHARS) yield Buffer.from(text.slice(at, at + CHUNK_CHARS), 'latin1');
      }
    },
  };
}
