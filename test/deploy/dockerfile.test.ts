// The Dockerfile, .dockerignore and the container entry point, read as text
// (no Docker engine runs here): a build stage that runs `npm run build` (the
// code compiled to dist/ and the workflow bundle), a final stage with
// production dependencies only (no tsx, no TypeScript), dist/ and a non-root
// user, the bundle where WORKFLOW_BUNDLE_PATH says, and an entry point per npm
// script that runs its compiled file with plain node.
// test/deploy/productionBuild.test.ts runs that build the way the image does.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_WORKFLOW_BUNDLE_PATH } from '../../src/config';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';
import { dockerfileStages, envOf, execForm, type Stage } from './dockerfileText';

const stages = dockerfileStages(readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8'));
const finalStage = stages.at(-1)!;
const BUILD_TSCONFIG = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'tsconfig.build.json'), 'utf8')) as {
  compilerOptions: { rootDir: string; outDir: string; noEmit: boolean };
  include: string[];
};
const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const ENTRYPOINT_SCRIPT = readFileSync(path.join(PROJECT_ROOT, 'deploy', 'entrypoint.sh'), 'utf8');
const IMAGE_COMMANDS = ['worker', 'receiver', 'api', 'simulator', 'start-ad', 'admin'];

function runs(stage: Stage): string[] {
  return stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
}

function workdir(stage: Stage): string {
  return stage.instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args ?? '/';
}

/** The commands the entry point dispatches, each with the file it runs. */
function dispatchedCommands(): Map<string, string> {
  const commands = new Map<string, string>();
  for (const match of ENTRYPOINT_SCRIPT.matchAll(/^\s*([a-z][a-z-]*)\)\s*entry=(\S+)\s*;;/gm)) commands.set(match[1]!, match[2]!);
  return commands;
}

/** Where `npm run build` (tsc -p tsconfig.build.json) writes a source file's JavaScript, relative to the project. */
function compiledPath(source: string): string {
  const { rootDir, outDir } = BUILD_TSCONFIG.compilerOptions;
  return path.posix.join(outDir, path.posix.relative(rootDir, source)).replace(/\.ts$/, '.js');
}

/** Whether tsconfig.build.json's include globs (`dir/**\/*.ts`) take in this source file. */
function builtByTsc(source: string): boolean {
  return BUILD_TSCONFIG.include.some((glob) => glob.endsWith('/**/*.ts') && source.startsWith(glob.slice(0, -'**/*.ts'.length)) && source.endsWith('.ts'));
}

/** The production packages in package-lock.json (not marked dev): what `npm ci --omit=dev` installs. */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([at, entry]) => at.startsWith('node_modules/') && !entry.dev)
    .map(([at]) => at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

describe('Dockerfile', () => {
  it('builds in stages from node:24-bookworm-slim, the Node line package.json names as shipped', () => {
    assert.ok(stages.length >= 2, `several stages (found ${stages.length})`);
    for (const stage of stages) assert.match(stage.image, /^node:24[.\d]*-bookworm-slim(@sha256:[0-9a-f]{64})?$/, `stage ${stage.name} is on node 24, bookworm-slim`);
    assert.match(pkg.engines.node, /(^|\|\|)\s*\^24\b/, `engines.node (${pkg.engines.node}) includes Node 24`);
  });

  it('compiles the code and bundles the workflow in the build stage, with every dependency installed', () => {
    const build = stages.find((stage) => runs(stage).some((run) => /\bnpm run build\b/.test(run)));
    assert.ok(build && build !== finalStage, 'a stage before the final one runs npm run build');
    const ciAt = runs(build).findIndex((run) => /^npm ci\b/.test(run));
    assert.ok(ciAt >= 0 && !runs(build)[ciAt]!.includes('--omit=dev'), 'the build stage installs dev dependencies too');
    assert.ok(ciAt < runs(build).findIndex((run) => /\bnpm run build\b/.test(run)), 'installs before it builds');
    assert.equal(pkg.scripts.build, 'node scripts/build.mjs');
    const buildScript = readFileSync(path.join(PROJECT_ROOT, 'scripts', 'build.mjs'), 'utf8');
    assert.match(buildScript, /'-p', 'tsconfig\.build\.json'/, 'npm run build compiles with tsconfig.build.json');
    assert.match(buildScript, /scripts\/buildWorkflowBundle\.ts/, 'and bundles the workflow');
    assert.equal(BUILD_TSCONFIG.compilerOptions.noEmit, false);
    const copied = build.instructions.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from=')).flatMap((i) => i.args.replace(/^(--\S+\s+)*/, '').split(/\s+/).slice(0, -1));
    for (const needed of ['tsconfig.json', 'tsconfig.build.json', 'src', 'deploy/healthcheck.ts', 'scripts/build.mjs', 'scripts/buildWorkflowBundle.ts']) {
      assert.ok(copied.includes(needed), `the build stage copies ${needed}, which npm run build reads`);
    }
  });

  it('ships production dependencies and the build only (no tsx, TypeScript or sources), as a non-root user, in production mode', () => {
    assert.ok(runs(finalStage).some((run) => /^npm ci\b.*--omit=dev/.test(run)), 'the final stage runs npm ci --omit=dev');
    assert.ok(!runs(finalStage).some((run) => /\bnpm (run build|install)\b/.test(run)), 'nothing is built or added in the final stage');
    const users = finalStage.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    assert.ok(users.length > 0 && !['root', '0'].includes(users.at(-1)!.split(':')[0]!), `the final stage runs as a non-root user (${users.at(-1)})`);
    assert.equal(envOf(finalStage).get('NODE_ENV'), 'production');
    for (const tool of ['tsx', 'typescript']) {
      assert.ok(!pkg.dependencies[tool] && pkg.devDependencies[tool], `${tool} is a dev dependency only`);
      assert.ok(!productionPackages().includes(tool), `no production package brings ${tool} along (package-lock.json)`);
    }
    for (const i of finalStage.instructions.filter((i) => i.keyword === 'COPY')) {
      assert.doesNotMatch(i.args, /(^|\s)(\.\/)?src\b|\.ts(\s|$)|tsconfig/, `the final stage copies no sources: COPY ${i.args}`);
    }
    for (const i of finalStage.instructions) assert.doesNotMatch(i.args, /\btsx\b/, `the final stage uses no tsx: ${i.keyword} ${i.args}`);
  });

  it('copies in dist/ from the build stage, with the prebuilt bundle where WORKFLOW_BUNDLE_PATH points', () => {
    const build = stages.find((stage) => runs(stage).some((run) => /\bnpm run build\b/.test(run)))!;
    const distAt = path.posix.join(workdir(build), BUILD_TSCONFIG.compilerOptions.outDir);
    const copy = finalStage.instructions.find((i) => i.keyword === 'COPY' && i.args.startsWith(`--from=${build.name} `));
    assert.ok(copy, `the final stage copies from the ${build.name} stage`);
    const [, source, target] = copy.args.split(/\s+/);
    assert.equal(source, distAt, 'it copies the folder npm run build writes');
    const copiedTo = path.posix.resolve(workdir(finalStage), target!);
    assert.equal(copiedTo, path.posix.join(workdir(finalStage), BUILD_TSCONFIG.compilerOptions.outDir), 'to the same place under the final stage’s folder');
    const bundleInDist = path.relative(path.join(PROJECT_ROOT, BUILD_TSCONFIG.compilerOptions.outDir), DEFAULT_WORKFLOW_BUNDLE_PATH).split(path.sep).join('/');
    assert.ok(!bundleInDist.startsWith('..'), 'npm run build writes the bundle inside dist/');
    assert.equal(envOf(finalStage).get('WORKFLOW_BUNDLE_PATH'), path.posix.join(copiedTo, bundleInDist));
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const entry of ['node_modules', '.data', '.tools', 'artifacts', 'test-results', 'dist', '.git']) assert.ok(ignored.includes(entry), `.dockerignore leaves out ${entry}`);
    for (const stage of stages) {
      for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from='))) {
        const parts = copy.args.replace(/^(--\S+\s+)*/, '').split(/\s+/);
        for (const source of parts.slice(0, -1)) {
          assert.ok(existsSync(path.join(PROJECT_ROOT, source)), `${source} exists`);
          assert.ok(!ignored.includes(source.split('/')[0]!), `${source} is in the build context`);
        }
      }
    }
  });

  it('has a health check, and the dispatcher as entry point with the worker as default command', () => {
    const healthcheck = finalStage.instructions.find((i) => i.keyword === 'HEALTHCHECK');
    assert.ok(healthcheck, 'a HEALTHCHECK');
    const check = execForm(healthcheck.args.replace(/^(--\S+\s+)*CMD\s+/, ''));
    assert.deepEqual(check, ['node', compiledPath('deploy/healthcheck.ts')], 'the compiled health check, run with plain node');
    assert.ok(builtByTsc('deploy/healthcheck.ts'), 'tsconfig.build.json compiles it');
    const entrypoint = execForm(finalStage.instructions.find((i) => i.keyword === 'ENTRYPOINT')!.args);
    assert.deepEqual(entrypoint, [path.posix.join(workdir(finalStage), 'deploy/entrypoint.sh')]);
    assert.deepEqual(execForm(finalStage.instructions.find((i) => i.keyword === 'CMD')!.args), ['worker']);
    assert.ok(statSync(path.join(PROJECT_ROOT, 'deploy', 'entrypoint.sh')).mode & 0o111, 'the entry point is executable');
  });

  it('leaves nothing the sources import at run time among the dev dependencies', () => {
    const dev = new Set(Object.keys(pkg.devDependencies));
    for (const file of [...sourceFiles(path.join(PROJECT_ROOT, 'src')), path.join(PROJECT_ROOT, 'deploy', 'healthcheck.ts')]) {
      const code = readFileSync(file, 'utf8').replace(/^import type [^;]*;/gm, '');
      for (const match of code.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\(\s*|^import\s+)'([^'./][^']*)'/gm)) {
        const name = match[1]!.startsWith('@') ? match[1]!.split('/').slice(0, 2).join('/') : match[1]!.split('/')[0]!;
        assert.ok(!dev.has(name), `${path.relative(PROJECT_ROOT, file)} imports ${name}, a dev dependency the image leaves out`);
      }
    }
  });
});

describe('the container entry point (deploy/entrypoint.sh)', () => {
  it('dispatches each image command to the compiled file of the source its npm script runs', () => {
    const commands = dispatchedCommands();
    assert.deepEqual([...commands.keys()].sort(), [...IMAGE_COMMANDS].sort());
    for (const [command, entry] of commands) {
      assert.equal(pkg.scripts[command], `tsx ${entry}`, `npm run ${command} runs the source the image runs compiled for "${command}"`);
      assert.ok(existsSync(path.join(PROJECT_ROOT, entry)), `${entry} exists`);
      assert.ok(builtByTsc(entry), `tsconfig.build.json compiles ${entry}`);
      // The line below turns src/x.ts into dist/src/x.js, which must be where tsc writes it.
      assert.equal(`dist/${entry.replace(/\.ts$/, '')}.js`, compiledPath(entry));
    }
    assert.match(ENTRYPOINT_SCRIPT, /^exec node "dist\/\$\{entry%\.ts\}\.js" "\$@"$/m, 'plain node on the compiled file, replacing the shell so it gets docker stop’s SIGTERM');
  });

  it('is a valid shell script that refuses an unknown command and explains the known ones', () => {
    execFileSync('sh', ['-n', path.join(PROJECT_ROOT, 'deploy', 'entrypoint.sh')]);
    const unknown = spawnSync('sh', [path.join(PROJECT_ROOT, 'deploy', 'entrypoint.sh'), 'no-such-command'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command "no-such-command"/);
    const help = spawnSync('sh', [path.join(PROJECT_ROOT, 'deploy', 'entrypoint.sh'), '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    for (const command of IMAGE_COMMANDS) assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
  });
});
