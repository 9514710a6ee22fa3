// The Schemathesis check's live system (scripts/schemathesis.sh runs it inside a
// loopback-only network namespace): a Temporal dev server, the Vidu simulator,
// a worker and the API with an admin key, all on 127.0.0.1 (the API tests' rig),
// then `st run <api>/openapi.json --checks all` with a fixed seed and a bounded
// number of examples. Exits with Schemathesis's code after a last line saying
// PASS or FAIL.
import { spawn } from 'node:child_process';
import { runMain } from '../src/config';
import { API_TOKEN, openApiRig } from '../test/api/apiRig';

const ST = process.env.SCHEMATHESIS_BIN ?? '.tools/schemathesis/bin/st';
const SEED = process.env.SCHEMATHESIS_SEED ?? '19';
const MAX_EXAMPLES = process.env.SCHEMATHESIS_MAX_EXAMPLES ?? '30';

runMain(async () => {
  // Schemathesis's authentication checks send requests without or with a wrong token on purpose, all
  // from 127.0.0.1: under the default limit of failed bearer checks the address would be locked out
  // (429) within seconds and the rest of the run would test nothing. The limit has its own tests.
  const rig = await openApiRig({ limits: { authFailureLimit: 1_000_000 } });
  let code = 1;
  try {
    console.log(`schemathesis: API at ${rig.url} (simulator ${rig.simulator.url}); seed ${SEED}, at most ${MAX_EXAMPLES} examples per operation`);
    const args = [
      '--config-file',
      'scripts/schemathesis.toml',
      'run',
      `${rig.url}/openapi.json`,
      '--checks',
      'all',
      '--seed',
      SEED,
      '--max-examples',
      MAX_EXAMPLES,
      '--workers',
      '2',
      '--request-timeout',
      '30',
      '--header',
      `Authorization: Bearer ${API_TOKEN}`,
      ...process.argv.slice(2),
    ];
    const child = spawn(ST, args, { stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
    code = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
  } finally {
    await rig.close();
  }
  console.log(code === 0 ? 'schemathesis: PASS (no failures)' : `schemathesis: FAIL (st exited with ${code})`);
  process.exitCode = code;
});
