// Closing a connection after an answer given before the request body was read
// (a 401 for an unsigned request, a 413 for a body past the hard cap...).
//
// Node ends and destroys the socket as soon as a `connection: close` answer is
// written. If the client is still sending, the bytes it sent that nobody read
// make the kernel answer with a reset, and a reset can reach the client before
// it has read the answer: undici's fetch, for one, then fails with EPIPE
// instead of returning the 401. So the connection is closed the way HTTP
// servers do it ("lingering close"): the answer goes out followed by a FIN,
// whatever the client still sends is read and dropped, and the socket is
// destroyed when the client closes its side or after a short grace period,
// whichever comes first. The grace period is short on purpose: a client that
// keeps sending cannot hold the connection.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Long enough for an answer to cross a slow network; short enough that nobody can hold a connection. */
export const LINGER_MS = 2_000;

/** Call before writing an answer that carries `connection: close`. */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse, lingerMs = LINGER_MS): void {
  const socket = res.socket;
  if (!socket || socket.destroyed) return;
  // Node calls destroySoon() once the answer is written; for this socket it only sends our FIN.
  socket.destroySoon = () => {
    if (socket.writable) socket.end();
  };
  const destroy = () => socket.destroy();
  const timer = setTimeout(destroy, lingerMs);
  timer.unref();
  socket.once('end', destroy);
  socket.once('close', () => clearTimeout(timer));
  res.once('finish', () => {
    // Drop what the client still sends (Node does this too unless something, like a
    // body reader that stopped at its cap, already took and paused the request).
    req.resume();
  });
}
