// The worker's log as `npm run worker` writes it (LOG_LEVEL=debug, so the
// SDK's own workflow and activity lines are in it too) while one ad runs:
// JSON, one object per line, every line about the ad carrying its ad id, its
// Vidu task id on the lines that concern it, and neither the API key nor a
// signed media URL anywhere.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { adIdOfWorkflow, createLogger, temporalLogger } from '../../src/logging';
import { describeHits, findSecrets } from '../faults/secretScan';
import { openWorkerRig, type WorkerRig } from './workerRig';

type Line = Record<string, unknown>;

describe('JSON logs of a worker running one ad', { timeout: 240_000 }, () => {
  let rig: WorkerRig;
  let adId: string;
  let done: Awaited<ReturnType<WorkerRig['runAd']>>;
  let lines: Line[];
  before(async () => {
    rig = await openWorkerRig({ name: 'logs', logLevel: 'debug' });
    adId = `logs-${process.pid}`;
    done = await rig.runAd(adId);
    await rig.close();
    const text = rig.stdout().trimEnd();
    lines = text.split('\n').map((raw, i) => {
      try {
        return JSON.parse(raw) as Line;
      } catch {
        assert.fail(`stdout line ${i + 1} is not JSON: ${raw.slice(0, 200)}`);
      }
    });
  });
  after(() => rig?.close());

  it('writes only JSON lines, each with a level, a time and a message', () => {
    assert.ok(lines.length > 20, `${lines.length} lines`);
    for (const line of lines) {
      assert.ok(['trace', 'debug', 'info', 'warn', 'error'].includes(line.level as string), JSON.stringify(line).slice(0, 200));
      assert.equal(typeof line.time, 'string');
      assert.equal(typeof line.msg, 'string');
    }
    assert.ok(lines.some((l) => l.service === 'worker' && String(l.msg).startsWith('ad worker on task queue')));
  });

  it("puts the ad's id on every line about its workflow, and the SDK's fields too", () => {
    const about = lines.filter((l) => l.workflowId === done.workflowId);
    assert.ok(about.length >= 5, `${about.length} lines carry the workflow id`);
    const without = about.filter((l) => l.adId !== adId);
    assert.deepEqual(without, [], 'lines with the workflow id but not the ad id');
    assert.ok(about.some((l) => l.msg === 'Workflow started' && typeof l.runId === 'string' && l.workflowType === 'adFilmWorkflow'), 'workflow lines keep runId and workflowType');
    assert.ok(about.some((l) => l.activityType === 'createAdTask' && typeof l.taskQueue === 'string'), 'activity lines keep activityType and taskQueue');
  });

  it("names the Vidu task on the lines about it, the main task's among them", () => {
    const withTask = lines.filter((l) => l.taskId === done.result.mainTaskId);
    assert.ok(withTask.length >= 2, `${withTask.length} lines carry the main task id ${done.result.mainTaskId}`);
    assert.ok(withTask.every((l) => l.adId === adId));
    assert.ok(withTask.some((l) => /created/.test(String(l.msg))), 'the create says which task it made');
  });

  it('holds neither the API key nor a signed media URL, in stdout or stderr', () => {
    const hits = [...findSecrets(rig.stdout(), 'stdout', rig.apiKey), ...findSecrets(rig.stderr(), 'stderr', rig.apiKey)];
    assert.equal(hits.length, 0, `secrets written down:\n${describeHits(hits)}`);
  });
});

describe('the logging module', () => {
  function capture(): { lines: Line[]; stream: Writable } {
    const lines: Line[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, next) {
        for (const raw of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(raw) as Line);
        next();
      },
    });
    return { lines, stream };
  }

  it('reads the ad id out of an ad workflow id only', () => {
    assert.equal(adIdOfWorkflow('ad-spring-42'), 'spring-42');
    assert.equal(adIdOfWorkflow('ad-'), undefined);
    assert.equal(adIdOfWorkflow('other-workflow'), undefined);
    assert.equal(adIdOfWorkflow(undefined), undefined);
  });

  it("routes the SDK's logs with their meta, at the configured level, errors with their stack", () => {
    const { lines, stream } = capture();
    const sdk = temporalLogger(createLogger('info', stream));
    sdk.debug('dropped below info', { workflowId: 'ad-x' });
    sdk.info('Activity completed', { workflowId: 'ad-summer', runId: 'r1', activityType: 'saveResult', taskQueue: 'q', [Symbol('internal')]: 1 });
    sdk.log('ERROR', 'Activity failed', { workflowId: 'other', error: new Error('boom') });
    assert.equal(lines.length, 2);
    assert.deepEqual(
      { level: lines[0]!.level, msg: lines[0]!.msg, workflowId: lines[0]!.workflowId, adId: lines[0]!.adId, runId: lines[0]!.runId, activityType: lines[0]!.activityType },
      { level: 'info', msg: 'Activity completed', workflowId: 'ad-summer', adId: 'summer', runId: 'r1', activityType: 'saveResult' },
    );
    assert.equal(lines[1]!.level, 'error');
    assert.equal(lines[1]!.adId, undefined);
    assert.match(String((lines[1]!.err as Line).stack), /boom/);
  });

  it('redacts fields named like secrets or media URLs', () => {
    const { lines, stream } = capture();
    createLogger('info', stream).info({ apiKey: 'k-123456', headers: { authorization: 'Token k-123456' }, creation_url: 'https://cdn/x.mp4?sig=1' }, 'careless');
    assert.ok(!JSON.stringify(lines).includes('k-123456') && !JSON.stringify(lines).includes('sig=1'));
  });
});
