// Vidu callback signatures: verifications per second of a genuine callback,
// of a forged one (same shape, wrong key) and of one missing its signature,
// with headers as node:http hands them to the receiver (lower-cased, with the
// usual extra headers, which every look-up walks past).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { signCallback, verifyCallbackSignature, type HeaderBag, type VerifyResult } from '../src/callbacks/signature';
import type { BenchContext, Benchmark } from './support/benchmark';
import { columns } from './support/columns';
import type { ResultRow } from './support/report';
import { perSecond } from './support/stats';

const BENCH = 'signature';
const API_KEY = 'bench-api-key-0123456789abcdef';
const CALLBACK_URL = 'https://callbacks.bench.invalid/vidu/callback?workflowId=ad-bench-0001';
/** How often the loop looks at the clock: often enough for the time limit, rarely enough not to cost. */
const CLOCK_EVERY = 1_000;

function asReceived(signed: Record<string, string>): HeaderBag {
  const headers: HeaderBag = {
    host: 'callbacks.bench.invalid',
    'user-agent': 'Go-http-client/1.1',
    'content-length': '412',
    'content-type': 'application/json',
    'accept-encoding': 'gzip',
  };
  for (const [name, value] of Object.entries(signed)) headers[name.toLowerCase()] = value;
  return headers;
}

function measure(ctx: BenchContext, name: string, expectOk: boolean, run: () => VerifyResult | Record<string, string>): ResultRow {
  const check = run();
  if ('ok' in check && check.ok !== expectOk) throw new Error(`${name}: expected ok=${expectOk}, got ${JSON.stringify(check)}`);
  for (let i = 0; i < 5_000; i++) run(); // warm-up for the JIT
  const { verifications, caseMs } = ctx.options;
  let count = 0;
  const begin = performance.now();
  let elapsed = 0;
  while (count < verifications) {
    run();
    count++;
    if (count % CLOCK_EVERY === 0) {
      elapsed = performance.now() - begin;
      if (elapsed >= caseMs || ctx.signal.aborted) break;
    }
  }
  elapsed = performance.now() - begin;
  const rate = perSecond(count, elapsed);
  return { case: name, count, perSecond: rate, microsEach: 1e6 / rate };
}

export const callbackSignature: Benchmark = {
  name: 'signature',
  alias: 'callbackSignature',
  summary: 'verifyCallbackSignature: verifications/s (genuine, forged, unsigned)',
  async run(ctx) {
    const date = new Date();
    const nonce = randomUUID();
    const genuine = asReceived(signCallback({ apiKey: API_KEY, callbackUrl: CALLBACK_URL, date, nonce }));
    const forged = asReceived(signCallback({ apiKey: 'not-the-key', callbackUrl: CALLBACK_URL, date, nonce }));
    const unsigned = { ...genuine, 'x-hmac-signature': undefined };
    const verify = (headers: HeaderBag) => () => verifyCallbackSignature({ apiKey: API_KEY, method: 'POST', callbackUrl: CALLBACK_URL, headers, now: date });
    const rows = [
      measure(ctx, 'verify genuine', true, verify(genuine)),
      measure(ctx, 'verify forged (wrong key)', false, verify(forged)),
      measure(ctx, 'verify unsigned (no signature)', false, verify(unsigned)),
      measure(ctx, 'signCallback (for reference)', true, () => signCallback({ apiKey: API_KEY, callbackUrl: CALLBACK_URL, date, nonce })),
    ];
    ctx.report.publish({
      bench: BENCH,
      title: 'Callback signature, one thread',
      columns: columns('case', 'count', 'perSecond', 'microsEach'),
      rows,
      notes: [`Each case stops after ${ctx.options.verifications} calls or ${ctx.options.caseMs / 1000} s.`],
    });
  },
};
