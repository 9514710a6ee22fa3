// Finds what must never be written down: the Vidu API key, and signed media
// URLs (anyone holding one can fetch the ad until it expires). Used on every
// log line the fault suite's processes wrote and on every history its ads
// left, payloads decoded (history JSON keeps them as bytes or base64).

export interface SecretHit {
  source: string;
  line: number;
  kind: 'api key' | 'signed media URL';
  /** The line around the hit, with the secret itself blanked out. */
  excerpt: string;
}

/**
 * Signed URLs as the simulator makes them (`/media/<id>.mp4?expires=...&sig=...`),
 * also JSON- or URL-escaped, and as S3 / OSS presign them (Vidu's real media).
 */
const SIGNED_URL_PATTERNS: readonly RegExp[] = [
  /\/media\/\d+\.(?:wm\.mp4|mp4|png|mp3)\?/,
  /expires(?:=|%3D)\d+(?:&|\\u0026|%26|&amp;)sig(?:=|%3D)/i,
  /[?&](?:X-Amz-Signature|Signature|OSSAccessKeyId)=/,
];

function excerptOf(line: string, index: number, length: number): string {
  const from = Math.max(0, index - 60);
  return `${line.slice(from, index)}<${'*'.repeat(Math.min(length, 8))}>${line.slice(index + length, index + length + 60)}`;
}

export function findSecrets(text: string, source: string, apiKey: string): SecretHit[] {
  if (apiKey.length < 6) throw new Error('the scan needs a distinctive API key (6 characters or more) to avoid false alarms');
  const hits: SecretHit[] = [];
  text.split('\n').forEach((line, index) => {
    const keyAt = line.indexOf(apiKey);
    if (keyAt >= 0) hits.push({ source, line: index + 1, kind: 'api key', excerpt: excerptOf(line, keyAt, apiKey.length) });
    for (const pattern of SIGNED_URL_PATTERNS) {
      const match = pattern.exec(line);
      if (match) {
        hits.push({ source, line: index + 1, kind: 'signed media URL', excerpt: excerptOf(line, match.index, match[0].length) });
        break;
      }
    }
  });
  return hits;
}

const BASE64 = /^[A-Za-z0-9+/]{8,}={0,2}$/;

/**
 * A history as text, payloads included: bytes (as fetchHistory returns them)
 * are decoded as UTF-8, and base64 strings (as history JSON files keep them)
 * are shown both as they are and decoded.
 */
export function historyAsText(history: unknown): string {
  const decoded: string[] = [];
  const text = JSON.stringify(
    history,
    (_key, value: unknown) => {
      if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
      if (typeof value === 'string' && value.length % 4 === 0 && BASE64.test(value)) decoded.push(Buffer.from(value, 'base64').toString('utf8'));
      return value;
    },
    1,
  );
  return [text, ...decoded].join('\n');
}

export function describeHits(hits: SecretHit[]): string {
  return hits.map((h) => `${h.source}:${h.line}: ${h.kind}: ${h.excerpt}`).join('\n');
}
