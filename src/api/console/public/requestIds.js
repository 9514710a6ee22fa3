// Request ids that survive a lost answer. The API (and the workflow behind
// it) answers a repeated request id with the first answer and spends nothing
// more, so an operator who clicks again after a network error, a proxy's 502
// or a timeout must send the same id: otherwise a second edit is paid. A new
// id is made only once the API gave a definite answer (2xx, or a 4xx refusal:
// the API remembers a refusal too, so a corrected request needs a new id) or
// when what the control sends changed.
/* global crypto */

/** A fresh request id ([\w.:-], as the API requires); works outside secure contexts too. */
export function newRequestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** True when the API's answer (or its absence) settles a request: a success or a 4xx refusal. */
export function isDefiniteAnswer(err) {
  if (!err) return true;
  const status = err.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * The request id of one control (a form, a button). `idFor(input)` gives the
 * id to send with `input`: the same as last time while the last send had no
 * definite answer and the input is the same, else a fresh one. `answered(err)`
 * is told how the send ended (no argument for a success).
 */
export function retryableRequestId() {
  let pending;
  return {
    idFor(input) {
      const key = JSON.stringify(input ?? null);
      if (!pending || pending.key !== key) pending = { id: newRequestId(), key };
      return pending.id;
    },
    answered(err) {
      if (isDefiniteAnswer(err)) pending = undefined;
    },
  };
}
