// The cluster tier's cases, run by `npm run test:cluster` (test/cluster/run.ts),
// not by `npm test` (hence no .test.ts): batches of ads on a real
// Temporal cluster with two workers and two receivers, while parts of it are
// killed. Every case ends with each ad done and charged exactly once per
// request by Vidu's own books (ClusterRig.runCase), and prints its ads
// completed, charges and time. CLUSTER_ADS sets the batch size (100; CI 30).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { logLines } from '../operations/serviceProcess';
import { checkActivitiesEndedBeforeExit } from './activityExit';
import { ClusterRig, WORKER_GRACE_MS, type WorkerStop } from './clusterRig';
import { backendKind, startTemporalBackend, type TemporalBackend } from './temporalBackend';
import { TIER } from './tierSize';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a killed Temporal service stays down before it is started again. */
const SERVICE_DOWN_MS = 3_000;

const kind = backendKind();
const noServices = kind === 'dev-server' ? 'the dev server has no separate services to kill (CLUSTER_TEMPORAL=dev-server)' : false;

describe(`cluster tier: ${TIER.ads} ads per case on the ${kind}`, { timeout: 60 * 60_000 }, () => {
  let temporal: TemporalBackend;
  let rig: ClusterRig;

  before(async () => {
    temporal = await startTemporalBackend(kind);
    rig = await ClusterRig.open(temporal);
    console.log(`[cluster tier] ${rig.describe()}; Temporal up in ${(temporal.startupMs / 1000).toFixed(1)} s`);
  });
  afterEach(() => rig?.endCase());
  after(async () => {
    await rig?.close();
    await temporal?.stop();
  });

  async function rollingRestart(label: string): Promise<void> {
    const stops: WorkerStop[] = [];
    // Vidu answers a little slowly, so that each worker has requests in flight when it is stopped.
    await rig.sim.setFaults({ http: [{ endpoint: '*', latencyMs: 300 }] });
    const summary = await rig.runCase(
      label,
      async (batch) => {
        await batch.untilCreated(Math.ceil(TIER.ads / 3));
        for (const slot of ['a', 'b'] as const) {
          const done = batch.completed();
          stops.push(await rig.stopWorkerGracefully(slot));
          await rig.startWorker(slot);
          assert.ok(done < TIER.ads, `worker ${slot} was stopped before the batch ended`);
        }
        return stops.map((s) => `worker ${s.slot} exited ${s.exit.code ?? s.exit.signal}`);
      },
      TIER.caseTimeoutMs,
    );

    let running = 0;
    for (const stop of stops) {
      const log = readFileSync(stop.logFile, 'utf8');
      assert.deepEqual({ code: stop.exit.code, signal: stop.exit.signal }, { code: 0, signal: null }, `worker ${stop.slot} exits 0 by itself:\n${log.slice(-2000)}`);
      const [draining] = logLines(log, /draining/);
      assert.ok(draining, `worker ${stop.slot} logged that it began draining`);
      running += Number(draining.activitiesRunning);
      const [drained] = logLines(log, /drained and stopped/);
      assert.ok(drained, `worker ${stop.slot} logged that it had drained`);
      assert.ok(Number(drained.drainedMs) < WORKER_GRACE_MS, `worker ${stop.slot} drained within its grace time (${String(drained.drainedMs)} ms)`);
    }
    assert.ok(running > 0, 'activities were running when the workers were stopped (else the check below proves nothing)');
    const histories = await Promise.all(rig.currentCaseAds().map(async (ad) => ({ workflowId: ad.workflowId, history: await ad.handle.fetchHistory() })));
    const stopped = stops.map((s) => ({ identity: s.identity, exitedAt: s.exit.at, log: readFileSync(s.logFile, 'utf8'), name: `worker ${s.slot}` }));
    const check = checkActivitiesEndedBeforeExit(histories, stopped, rig.workerLogs());
    console.log(
      `  ${running} activities running at the two SIGTERMs; ${check.attemptsByStoppedWorkers} activity attempts in the stopped workers' logs (over their lives), ${check.problems.length} past their worker's exit` +
        (check.lostInTransit.length
          ? `\n  ${check.lostInTransit.length} activity tasks handed to a stopping worker's poll and lost before they started (the poll-shutdown race of a server that does not cancel a stopping worker's polls), retried after their heartbeat timeout: ${check.lostInTransit.slice(0, 3).join('; ')}`
          : ''),
    );
    assert.ok(check.attemptsByStoppedWorkers > 0, 'the stopped workers ran activities of this batch');
    assert.deepEqual(check.problems.slice(0, 20), [], "no activity ran past its worker's exit");
    assert.equal(summary.completed, TIER.ads);
  }

  it('runs a batch with callbacks and review edits: every ad done, charged once per request', { timeout: TIER.caseTimeoutMs }, async () => {
    await rig.runCase('baseline', async () => undefined, TIER.caseTimeoutMs);
  });

  it('loses one worker to SIGKILL mid-batch, not restarted: the other finishes its ads', { timeout: TIER.caseTimeoutMs }, async () => {
    await rig.runCase(
      'worker SIGKILL',
      async (batch) => {
        // Past the creates: a create whose worker dies before the request is known to have left
        // can only end as ViduCreateOutcomeUnknown (Vidu has no way to look a create up; the
        // credits policy in the README), which the fault suite covers. Here every other stage is in flight.
        await batch.untilAllCreated();
        const done = batch.completed();
        await rig.killWorker('b');
        assert.ok(done < TIER.ads, 'the worker died before the batch ended');
        return [`worker b killed with ${done}/${TIER.ads} ads done`];
      },
      TIER.caseTimeoutMs,
    );
  });

  it('survives the history service killed and restarted mid-batch, then the matching service', { timeout: TIER.caseTimeoutMs, skip: noServices }, async () => {
    const services = temporal.services!;
    await rig.runCase(
      'history, then matching, killed',
      async (batch) => {
        const notes: string[] = [];
        // History while the ads are being created and generated; matching once the first ads have finished after that.
        const moments = { history: () => batch.untilCreated(Math.ceil(TIER.ads / 3)), matching: () => batch.untilCompleted(Math.ceil(TIER.ads / 4)) };
        for (const service of ['history', 'matching'] as const) {
          await moments[service]();
          const done = batch.completed();
          await services.kill(service, 'SIGKILL');
          await sleep(SERVICE_DOWN_MS);
          const t0 = Date.now();
          await services.start(service);
          notes.push(`${service} killed with ${done}/${TIER.ads} ads done, down ${SERVICE_DOWN_MS} ms, back in ${Date.now() - t0} ms`);
          assert.ok(done < TIER.ads, `${service} was killed before the batch ended`);
        }
        return notes;
      },
      TIER.caseTimeoutMs,
    );
  });

  // With callbacks on and off (the create's evidence rule decides either way), CLUSTER_ROLLING_RUNS times each.
  for (let run = 1; run <= TIER.rollingRuns; run += 1) {
    for (const callbacks of [true, false]) {
      const mode = `callbacks ${callbacks ? 'on' : 'off'}`;
      const label = `rolling restart (SIGTERM, ${mode})${TIER.rollingRuns > 1 ? ` #${run}` : ''}`;
      it(`restarts both workers with SIGTERM one after the other (${mode}${TIER.rollingRuns > 1 ? `, run ${run}` : ''}): nothing lost or charged twice, no activity past its worker`, { timeout: TIER.caseTimeoutMs }, async () => {
        await rig.useCallbacks(callbacks);
        await rollingRestart(label);
      });
    }
  }

  it('loses one receiver: callbacks to it fail, Vidu\'s retries and polling still finish the ads', { timeout: TIER.caseTimeoutMs }, async () => {
    const portB = rig.receiverPort('b');
    const before = rig.front.counts();
    const callbacksBefore = (await rig.sim.counters()).callbacks;
    await rig.runCase(
      'receiver SIGKILL',
      async (batch) => {
        await batch.untilCreated(Math.ceil(TIER.ads / 3));
        const done = batch.completed();
        await rig.killReceiver('b');
        assert.ok(done < TIER.ads, 'the receiver died before the batch ended');
        return [`receiver b killed with ${done}/${TIER.ads} ads done`];
      },
      TIER.caseTimeoutMs,
    );
    const failedAtB = (rig.front.counts().failed[portB] ?? 0) - (before.failed[portB] ?? 0);
    const callbacks = (await rig.sim.counters()).callbacks;
    const retried = callbacks.retried - callbacksBefore.retried;
    console.log(`  callbacks that reached the dead receiver: ${failedAtB}; Vidu's retries: ${retried}; callbacks given up: ${callbacks.failed - callbacksBefore.failed}`);
    assert.ok(failedAtB > 0, 'callbacks were sent to the dead receiver and failed');
    assert.ok(retried > 0, 'Vidu retried the callbacks that failed');
  });
});
