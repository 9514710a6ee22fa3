// Port choice for the demo: the documented ports when they are free, another
// free port (and a note saying so) when something else already holds them.
import { createServer } from 'node:net';

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

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const port = await tryListen(0, host);
  if (port === undefined) throw new Error(`cannot find a free port on ${host}`);
  return port;
}

/** The preferred port if free; otherwise a free one, with `note` called to say what changed. */
export async function portOrAlternative(preferred: number, what: string, note: (line: string) => void, host = '127.0.0.1'): Promise<number> {
  if ((await tryListen(preferred, host)) !== undefined) return preferred;
  const other = await freePort(host);
  note(`Port ${preferred} (${what}) is busy, perhaps another Temporal server; using ${other} instead.`);
  return other;
}
