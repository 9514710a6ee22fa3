// Free TCP ports on this machine, and whether a port answers yet, for every server the project starts (the
// dev server, the local cluster, the S3 gateway, the demo, the tests). Here,
// in the lowest layer, so that none of those has to import another's module.
import { randomInt } from 'node:crypto';
import { connect as tcpConnect, createServer } from 'node:net';

function tryListen(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

/** Whether nothing listens on `port` at `host` right now. */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return (await tryListen(port, host)) !== undefined;
}

/** A port the system hands out as free now (from its ephemeral range). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const port = await tryListen(0, host);
  if (port === undefined) throw new Error(`cannot find a free port on ${host}`);
  return port;
}

/**
 * Ports a server is told to open some time after they were chosen come from
 * 20000-32767: below Linux's ephemeral range (32768 and up, the ports outgoing
 * connections take, which could steal one in between), and within a
 * PostgreSQL smallint, the column type Temporal stores each membership port in
 * (a larger one makes the service exit at start).
 */
const LOWEST_PORT = 20_000;
const HIGHEST_PORT = 32_767;

/** A free port of that range on `host`, not in `taken` (to which it is added). */
export async function pickServerPort(host: string, taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = randomInt(LOWEST_PORT, HIGHEST_PORT + 1);
    if (taken.has(port) || !(await isPortFree(port, host))) continue;
    taken.add(port);
    return port;
  }
  throw new Error(`no free port found on ${host} between ${LOWEST_PORT} and ${HIGHEST_PORT}`);
}

/** Whether something accepts TCP connections on host:port. */
export function portAccepts(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
