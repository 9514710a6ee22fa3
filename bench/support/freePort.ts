// A free port on 127.0.0.1, for a server whose own URL must be known before
// it is built (the receiver signs with its public URL). Another process could
// take the port in between; the caller retries when listening fails.
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
