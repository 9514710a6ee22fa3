// Starts the simulator: one node:http server answering the Vidu API, the media
// URLs it hands out and its own control interface.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { listAds, type SimulatedAd } from './adList';
import { CONTROL_PREFIX, handleControlRequest, type ControlTarget } from './control';
import type { SimulatorCounters } from './counters';
import { checkFaultConfig } from './faultConfigSchema';
import { FaultPlan, type FaultConfig } from './faults';
import { sendError } from './httpIo';
import { MediaSigner } from './media';
import { resolveOptions, type SimulatorOptions } from './options';
import { describeCreation } from './render/subjects';
import { MediaRenderer } from './render/mediaRenderer';
import { handleApiRequest, holdFor } from './routes';
import { seededRandom } from './seededRandom';
import { Simulation } from './simulation';
import { TaskIdGenerator } from './taskIds';

export interface ViduSimulator {
  /** Base URL, e.g. http://127.0.0.1:43121 */
  url: string;
  apiKey: string;
  /** Replaces the fault config; throws a TypeError naming the problem if it is malformed. */
  setFaults(faults: FaultConfig): void;
  counters(): SimulatorCounters;
  /** Every main ad task, with the images and callback URL its create carried. */
  ads(): SimulatedAd[];
  /**
   * Sets the account's remaining credits (what `GET /ent/v2/credits` reports
   * and what creates and edits are charged from): a top-up, or an account run
   * low. Throws a RangeError unless it is a whole number, 0 or more. reset()
   * goes back to `initialCredits`.
   */
  setCredits(remaining: number): void;
  /**
   * Clears tasks, faults, counters and credits back to initial (and restarts a
   * seeded fault-roll sequence); stops pending timers and callbacks.
   */
  reset(): void;
  /** Stops timers and pending callbacks, closes the server and its sockets. */
  close(): Promise<void>;
}

function baseUrl(address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export async function startViduSimulator(options?: SimulatorOptions): Promise<ViduSimulator> {
  const opts = resolveOptions(options);
  const { seed } = opts;
  const newRandom = () => (seed === undefined ? Math.random : seededRandom(seed));
  let random = newRandom();
  const faults = new FaultPlan(() => random());
  const ids = new TaskIdGenerator();
  const dispatcher = new Agent({ connect: { timeout: 2_000 }, keepAliveTimeout: 1_000 });
  // Outlives reset() like the signer: creation ids keep growing, so cached files keep their meaning.
  const renderer = new MediaRenderer(opts.media, opts.log);
  // Filled once the server listens (the media URLs need its address).
  const live: { simulation?: Simulation; control?: ControlTarget; media?: MediaSigner } = {};

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    res.on('finish', () => opts.log(`${req.method} ${url.pathname} -> ${res.statusCode}`));
    const { simulation, control, media } = live;
    if (!simulation || !control || !media) {
      res.writeHead(503).end();
      return;
    }
    if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControlRequest(req, res, url, control);
    if (media.isMediaPath(url)) {
      return media.serve(req, res, url, {
        fault: () => faults.forMedia(),
        hold: (ms) => holdFor(simulation, ms),
        record: (outcome) => (simulation.store.counters.media[outcome] += 1),
        content: (creationId, variant) => renderer.content(creationId, variant, () => describeCreation(simulation.store, creationId)),
      });
    }
    return handleApiRequest(req, res, url, { apiKey: opts.apiKey, faults, simulation: () => live.simulation! });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, error));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = baseUrl(server.address() as AddressInfo);
  live.media = new MediaSigner(url, opts.mediaTtlMs);
  const shared = { options: opts, ids, faults, media: live.media, dispatcher };
  live.simulation = new Simulation(shared);

  let closing: Promise<void> | undefined;
  const simulator: ViduSimulator = {
    url,
    apiKey: opts.apiKey,
    setFaults(config) {
      const check = checkFaultConfig(config);
      if (!check.ok) throw new TypeError(`bad fault config: ${check.reason}`);
      faults.replace(check.config);
    },
    counters: () => structuredClone(live.simulation!.store.counters),
    ads: () => listAds(live.simulation!.store),
    setCredits(remaining) {
      if (!Number.isInteger(remaining) || remaining < 0) throw new RangeError(`credits: must be a whole number, 0 or more (got ${remaining})`);
      live.simulation!.store.counters.creditsRemaining = remaining;
    },
    reset() {
      live.simulation!.dispose();
      faults.clear();
      random = newRandom();
      live.simulation = new Simulation(shared);
    },
    close() {
      closing ??= (async () => {
        live.simulation!.dispose();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await Promise.all([dispatcher.destroy(), renderer.close()]);
      })();
      return closing;
    },
  };
  live.control = simulator;
  opts.log(`Vidu simulator listening on ${url}`);
  return simulator;
}
