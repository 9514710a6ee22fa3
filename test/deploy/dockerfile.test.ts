// The Dockerfile, .dockerignore and the container entry point, read as text
// (no Docker engine runs here): a build stage that bundles the workflow, a
// final stage with production dependencies only and a non-root user, the
// bundle where WORKFLOW_BUNDLE_PATH says, and an entry point per npm script.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_WORKFLOW_BUNDLE_PATH } from '../../src/config';
import { PROJECT_ROOT } from '../../src/temporal/projectRoot';
import { dockerfileStages, envOf, execForm, type Stage } from './dockerfileText';

const stages = dockerfileStages(readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8'));
const finalStage = stages.at(-1)!;
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

  it('bundles the workflow in the build stage, with every dependency installed', () => {
    const build = stages.find((stage) => runs(stage).some((run) => /\bnpm run build\b/.test(run)));
    assert.ok(build && build !== finalStage, 'a stage before the final one runs npm run build');
    const ciAt = runs(build).findIndex((run) => /^npm ci\b/.test(run));
    assert.ok(ciAt >= 0 && !runs(build)[ciAt]!.includes('--omit=dev'), 'the build stage installs dev dependencies too');
    assert.ok(ciAt < runs(build).findIndex((run) => /\bnpm run build\b/.test(run)), 'installs before it builds');
    assert.match(pkg.scripts.build ?? '', /scripts\/buildWorkflowBundle\.ts/);
  });

  it('ships production dependencies only, as a non-root user, in production mode', () => {
    assert.ok(runs(finalStage).some((run) => /^npm ci\b.*--omit=dev/.test(run)), 'the final stage runs npm ci --omit=dev');
    assert.ok(!runs(finalStage).some((run) => /\bnpm (run build|install)\b/.test(run)), 'nothing is built or added in the final stage');
    const users = finalStage.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    assert.ok(users.length > 0 && !['root', '0'].includes(users.at(-1)!.split(':')[0]!), `the final stage runs as a non-root user (${users.at(-1)})`);
    assert.equal(envOf(finalStage).get('NODE_ENV'), 'production');
    // Entry points run with tsx, so it must survive --omit=dev.
    assert.ok(pkg.dependencies.tsx, 'tsx is a production dependency');
  });

  it('copies in the prebuilt bundle where WORKFLOW_BUNDLE_PATH points', () => {
    const build = stages.find((stage) => runs(stage).some((run) => /\bnpm run build\b/.test(run)))!;
    const builtAt = path.posix.join(workdir(build), path.relative(PROJECT_ROOT, DEFAULT_WORKFLOW_BUNDLE_PATH).split(path.sep).join('/'));
    const copy = finalStage.instructions.find((i) => i.keyword === 'COPY' && i.args.startsWith(`--from=${build.name} `));
    assert.ok(copy, `the final stage copies from the ${build.name} stage`);
    const [, source, target] = copy.args.split(/\s+/);
    assert.equal(source, builtAt, 'it copies the file npm run build writes');
    const copiedTo = path.posix.resolve(workdir(finalStage), target!);
    assert.equal(envOf(finalStage).get('WORKFLOW_BUNDLE_PATH'), copiedTo);
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
    assert.match(healthcheck.args, /CMD \["node", "--import", "tsx", "deploy\/healthcheck\.ts"\]/);
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
  it('dispatches each image command to the file its npm script runs', () => {
    const commands = dispatchedCommands();
    assert.deepEqual([...commands.keys()].sort(), [...IMAGE_COMMANDS].sort());
    for (const [command, entry] of commands) {
      assert.equal(pkg.scripts[command], `tsx ${entry}`, `npm run ${command} runs the file the image runs for "${command}"`);
      assert.ok(existsSync(path.join(PROJECT_ROOT, entry)), `${entry} exists`);
    }
    assert.match(ENTRYPOINT_SCRIPT, /^exec node --import tsx "\$entry" "\$@"$/m, 'the entry point replaces the shell, so it gets docker stop’s SIGTERM');
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
