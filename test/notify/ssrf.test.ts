// The SSRF table: a completion webhook and a media download (with the redirects
// it follows) aimed at every kind of address that is not global unicast, IPv4
// and IPv6 with the forms that embed an IPv4 address, address literals and
// names resolving to them. Each must be refused, naming its range, before any
// connection is made.
//
// A missing protection must show as a failed test, never as traffic: the table
// runs in a network namespace with loopback only. This file re-executes itself
// under `unshare -n` (then `ip link set lo up`), where it runs the table and
// prints one JSON result per row; outside, each row becomes one test here. If
// no namespace can be made (not root, no unshare), the table fails, saying so.
// Loopback targets point at a listener of the table's own that counts
// connections, so a guard that let one through is seen as a connection.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { classifyAddress, guardedAgent, guardedLookup, outboundRefusalIn } from '../../src/notify/outboundGuard';
import { postWebhook } from '../../src/notify/webhookDelivery';
import { downloadMedia } from '../../src/vidu/viduClient';

const INSIDE_MARK = 'SSRF_TABLE_IN_NAMESPACE';
const SECRET = `whsec_${Buffer.from('ssrf table secret, 24+ bytes long').toString('base64')}`;

/** Host (as it goes in a URL) and the range the refusal must name. */
const TABLE: ReadonlyArray<readonly [string, string]> = [
  ['0.0.0.0', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['10.255.255.254', 'private'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['127.0.0.1', 'loopback'],
  ['127.10.20.30', 'loopback'],
  ['169.254.169.254', 'linkLocal'],
  ['172.16.0.1', 'private'],
  ['172.31.255.254', 'private'],
  ['192.0.0.1', 'reserved'],
  ['192.168.1.1', 'private'],
  ['198.18.0.1', 'reserved'],
  ['198.19.255.254', 'reserved'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['[::1]', 'loopback'],
  ['[::]', 'unspecified'],
  ['[fe80::1]', 'linkLocal'],
  ['[fc00::1]', 'uniqueLocal'],
  ['[fd12:3456::1]', 'uniqueLocal'],
  ['[ff02::1]', 'multicast'],
  ['[::ffff:169.254.169.254]', 'ipv4Mapped linkLocal'],
  ['[::ffff:127.0.0.1]', 'ipv4Mapped loopback'],
  ['[::ffff:10.0.0.1]', 'ipv4Mapped private'],
  ['[::a9fe:a9fe]', 'ipv4Compatible'],
  ['[64:ff9b::a9fe:a9fe]', 'rfc6052'],
  ['[2002:a9fe:a9fe::]', '6to4'],
  ['[2001:0:4136:e378:8000:63bf:3fff:fdd2]', 'teredo'],
];

interface Row {
  name: string;
  ok: boolean;
  detail: string;
}

/** A listener on every loopback address (IPv4 and IPv6) that counts the connections it accepts. */
async function countingListener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server: Server = createServer((_req, res) => res.end('reached'));
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '::', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function refusalOf(attempt: Promise<unknown>): Promise<{ range?: string; message: string }> {
  try {
    await attempt;
    return { message: 'was not refused: the request went through' };
  } catch (err) {
    const refusal = outboundRefusalIn(err);
    if (refusal) return { range: refusal.range, message: refusal.message };
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return { message: `failed, but not as a refusal: ${String(err)}${cause}` };
  }
}

/** Runs the table; only ever called inside the namespace. */
async function runTable(): Promise<Row[]> {
  const interfaces = Object.keys(networkInterfaces());
  if (interfaces.some((name) => name !== 'lo')) {
    return [{ name: 'the table runs with loopback only', ok: false, detail: `interfaces here: ${interfaces.join(', ')}` }];
  }
  const rows: Row[] = [];
  const listener = await countingListener();
  const media = createServer((req, res) => {
    // An allowed (trusted) media host whose redirects point inside.
    res.writeHead(302, { location: decodeURIComponent((req.url ?? '/').slice('/to/'.length)) });
    res.end();
  });
  await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', () => resolve()));
  const mediaOrigin = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  const webhook = (url: string, allowPrivateHosts = false) =>
    postWebhook(url, '{}', { secret: SECRET, allowPrivateHosts, webhookId: 'msg_ssrf', timeoutMs: 3_000 });
  const check = async (name: string, expectedRange: string, attempt: () => Promise<unknown>, hostPattern?: RegExp) => {
    const before = listener.connections();
    const { range, message } = await refusalOf(attempt());
    const connected = listener.connections() - before;
    const problems = [
      range === expectedRange ? '' : `expected a refusal naming range "${expectedRange}", got: ${message}`,
      connected === 0 ? '' : `${connected} connection(s) reached the listener`,
      hostPattern && !hostPattern.test(message) ? `the refusal does not name the host and address: ${message}` : '',
    ].filter(Boolean);
    rows.push({ name, ok: problems.length === 0, detail: problems.join('; ') || message });
  };
  try {
    // The control: with private hosts allowed, the listener is reached; so a connection the guard let through would be counted.
    const before = listener.connections();
    const allowed = await webhook(`http://127.0.0.1:${listener.port}/hook`, true).then(String, (err: unknown) => `failed: ${String(err)}`);
    rows.push({ name: 'control: with NOTIFY_ALLOW_PRIVATE_HOSTS the loopback listener is reached', ok: listener.connections() > before, detail: allowed });

    for (const [host, range] of TABLE) {
      const url = `http://${host}:${listener.port}/latest/meta-data/`;
      await check(`webhook to ${host} is refused (${range})`, range, () => webhook(url));
      await check(`media download from ${host} is refused (${range})`, range, () => downloadMedia(url));
      await check(`redirect from an allowed media host to ${host} is refused (${range})`, range, () =>
        downloadMedia(`${mediaOrigin}/to/${encodeURIComponent(url)}`, { trustedOrigins: [mediaOrigin] }),
      );
    }
    // Names: the system resolver's localhost, and an injected resolver's answers (a DNS answer can be anything).
    await check('webhook to localhost is refused (resolves to loopback)', 'loopback', () => webhook(`http://localhost:${listener.port}/hook`), /localhost resolves to (127\.0\.0\.1|::1)/);
    await check('media download from app.localhost is refused', 'loopback', () => downloadMedia(`http://app.localhost:${listener.port}/v.mp4`), /app\.localhost resolves to/);
    for (const [answer, range] of [['169.254.169.254', 'linkLocal'], ['10.1.2.3', 'private'], ['::ffff:127.0.0.1', 'ipv4Mapped loopback'], ['127.0.0.1', 'loopback']] as const) {
      const agent = guardedAgent({
        what: 'notifyUrl',
        escapeSetting: 'NOTIFY_ALLOW_PRIVATE_HOSTS',
        allowPrivateHosts: false,
        resolve: (_hostname, callback) => callback(null, [{ address: answer, family: answer.includes(':') ? 6 : 4 }]),
      });
      await check(
        `a name resolving to ${answer} is refused when connecting (${range})`,
        range,
        () => request(`http://hooks.example.test:${listener.port}/hook`, { method: 'POST', dispatcher: agent }),
        new RegExp(`hooks\\.example\\.test resolves to ${answer.replace(/[.]/g, '\\.')}`),
      );
      await agent.close();
    }
    // One bad address among good ones is enough to refuse.
    const mixed = guardedAgent({
      what: 'notifyUrl',
      escapeSetting: 'NOTIFY_ALLOW_PRIVATE_HOSTS',
      allowPrivateHosts: false,
      resolve: (_hostname, callback) => callback(null, [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }]),
    });
    await check('a name resolving to a public and a loopback address is refused', 'loopback', () =>
      request(`http://mixed.example.test:${listener.port}/hook`, { dispatcher: mixed }),
    );
    await mixed.close();
  } finally {
    await listener.close();
    await new Promise<void>((resolve) => media.close(() => resolve()));
  }
  return rows;
}

/** Runs this file again inside a new network namespace with loopback only, and reads its rows. */
function rowsFromNamespace(): Row[] {
  const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, '--import', 'tsx', __filename], {
    env: { ...process.env, [INSIDE_MARK]: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = run.stdout ?? '';
  const rows: Row[] = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Row);
  if (run.error || run.status !== 0 || rows.length === 0) {
    return [
      ...rows,
      {
        name: 'the table runs inside a loopback-only network namespace (unshare -n, as root)',
        ok: false,
        detail: `could not run it there: ${run.error?.message ?? `exit ${run.status}`}\n${run.stderr ?? ''}`.trim(),
      },
    ];
  }
  return rows;
}

if (process.env[INSIDE_MARK] === '1') {
  runTable().then(
    (rows) => {
      for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
} else {
  describe('SSRF table, in a loopback-only network namespace: refused before any connection', () => {
    const rows = rowsFromNamespace();
    it('ran every row', () => assert.ok(rows.length >= TABLE.length * 3 + 6, `${rows.length} rows`));
    for (const row of rows) it(row.name, () => assert.ok(row.ok, row.detail));
  });

  describe('the address classifier (no connection)', () => {
    it('accepts global unicast addresses, IPv4-mapped ones by their IPv4 address', () => {
      for (const address of ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:81c::200e', '::ffff:93.184.216.34']) {
        const found = classifyAddress(address);
        assert.equal(found.globalUnicast, true, `${address}: ${found.range}`);
      }
    });

    it('refuses every row of the table, naming its range', () => {
      for (const [host, range] of TABLE) {
        const found = classifyAddress(host);
        assert.deepEqual([found.range, found.globalUnicast], [range, false], host);
      }
    });

    it('the connect-time lookup refuses a name when any address it resolves to is not global unicast, whatever family is asked for', async () => {
      const lookup = guardedLookup({
        what: 'notifyUrl',
        escapeSetting: 'NOTIFY_ALLOW_PRIVATE_HOSTS',
        allowPrivateHosts: false,
        resolve: (_hostname, callback) => callback(null, [{ address: '93.184.216.34', family: 4 }, { address: 'fd00::1', family: 6 }]),
      });
      const answer = (family: number) => new Promise<Error | null>((resolve) => lookup('two.example.test', { family }, (err) => resolve(err)));
      for (const family of [0, 4, 6]) {
        const err = await answer(family);
        assert.ok(err && outboundRefusalIn(err), `family ${family}: ${String(err)}`);
        assert.match(err.message, /two\.example\.test resolves to fd00::1, an address in range "uniqueLocal"/);
      }
      const publicOnly = guardedLookup({
        what: 'notifyUrl',
        escapeSetting: 'NOTIFY_ALLOW_PRIVATE_HOSTS',
        allowPrivateHosts: false,
        resolve: (_hostname, callback) => callback(null, [{ address: '93.184.216.34', family: 4 }]),
      });
      const passed = await new Promise<unknown>((resolve) => publicOnly('one.example.test', { all: true }, (err, address) => resolve(err ?? address)));
      assert.deepEqual(passed, [{ address: '93.184.216.34', family: 4 }], 'a global answer is passed on, nothing connected');
    });

    it('throws on something that is not an address', () => {
      assert.throws(() => classifyAddress('example.com'));
    });
  });
}
