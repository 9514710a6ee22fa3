// Port choice for the demo: the documented ports when they are free, another
// free port (and a note saying so) when something else already holds them.
import { freePort, isPortFree } from '../../tools/ports';

/** The preferred port if free; otherwise a free one, with `note` called to say what changed. */
export async function portOrAlternative(preferred: number, what: string, note: (line: string) => void, host = '127.0.0.1'): Promise<number> {
  if (await isPortFree(preferred, host)) return preferred;
  const other = await freePort(host);
  note(`Port ${preferred} (${what}) is busy, perhaps another Temporal server; using ${other} instead.`);
  return other;
}
