// `npm run demo` exactly as its command line runs it (flags, Ctrl-C, closing
// lines, its own Temporal dev server), with the simulator at millisecond pace
// and the harness's workflow bundle, so a test can run it as a child process.
import { readFileSync } from 'node:fs';
import { runMain } from '../../src/config';
import { runDemoCli } from '../../src/entrypoints/demo/demoCli';
import { FAST_POLLING, FAST_TIMING } from './liveRig';

runMain(async () => {
  const bundlePath = process.env.TEST_WORKFLOW_BUNDLE;
  process.exitCode = await runDemoCli(process.argv.slice(2), {
    simulatorTiming: FAST_TIMING,
    polling: FAST_POLLING,
    watchIntervalMs: 100,
    workflowBundle: bundlePath ? { code: readFileSync(bundlePath, 'utf8') } : undefined,
  });
  setTimeout(() => process.exit(), 2_000).unref();
});
