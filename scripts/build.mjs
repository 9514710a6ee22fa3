// `npm run build`: the production build, in dist/ (git- and docker-ignored).
//   1. tsc -p tsconfig.build.json compiles src/ and deploy/ to JavaScript once,
//      folders kept (src/entrypoints/worker/main.ts -> dist/src/entrypoints/worker/main.js); the container image
//      runs these with plain `node`, without tsx or TypeScript;
//   2. the files the compiled code reads next to itself at run time are copied
//      beside it (ASSET_DIRS: the review console's pages and scripts);
//   3. scripts/buildWorkflowBundle.ts bundles the workflow code into
//      dist/workflow-bundle.js, the bundle the worker runs and the replay test checks.
// dist/ is emptied first, so nothing of an earlier build (a deleted module) is left.
// `--out-dir <dir>` builds elsewhere (test/deploy/productionBuild.test.ts does).
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } });
const dist = path.resolve(values['out-dir']);
if (!path.relative(dist, root).startsWith('..')) {
  console.error(`build: --out-dir ${dist} holds the project itself; name a folder of its own (it is emptied first)`);
  process.exit(2);
}

/** Non-TypeScript files the compiled code reads from its own folder (path.join(__dirname, ...)). */
export const ASSET_DIRS = ['src/api/console/public'];

function run(what, args) {
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${what} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  console.log(`build: ${what} (${Date.now() - started} ms)`);
}

rmSync(dist, { recursive: true, force: true });
run(`compiled src/ and deploy/ to ${path.relative(root, dist) || dist} (tsconfig.build.json)`, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dist]);
for (const dir of ASSET_DIRS) {
  cpSync(path.join(root, dir), path.join(dist, dir), { recursive: true });
  console.log(`build: copied ${dir}`);
}
run('bundled the workflow code', ['--import', 'tsx', 'scripts/buildWorkflowBundle.ts', path.join(dist, 'workflow-bundle.js')]);
