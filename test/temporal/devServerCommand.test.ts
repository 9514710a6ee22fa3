import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverArgs, startDevArgs, uiServerArgs } from '../../src/temporal/devServerCommand';

const BASE = { ip: '127.0.0.1', port: 7233, uiPort: undefined, dbFilename: undefined };

function dynamicValues(args: string[]): string[] {
  return args.flatMap((arg, i) => (args[i - 1] === '--dynamic-config-value' ? [arg] : []));
}

test("a CLI's dev server reads its transfer queue up to 200 times a second unless told otherwise, and cancels a stopping worker's polls where its server can", () => {
  assert.deepEqual(dynamicValues(startDevArgs(BASE)), ['frontend.enableCancelWorkerPollsOnShutdown=true', 'history.transferProcessorMaxPollRPS=200']);
});

test('a dynamic config value replaces the default of the same key instead of adding a second one', () => {
  const args = startDevArgs({ ...BASE, dynamicConfig: { 'history.transferProcessorMaxPollRPS': 20, 'history.timerProcessorMaxPollRPS': 50 } });
  assert.deepEqual(dynamicValues(args), [
    'frontend.enableCancelWorkerPollsOnShutdown=true',
    'history.transferProcessorMaxPollRPS=20',
    'history.timerProcessorMaxPollRPS=50',
  ]);
});

test('the project server runs all its services from one config file, and the Web UI reads <dir>/ui/dev-server.yaml', () => {
  assert.deepEqual(serverArgs('/tmp/x/dev-server.yaml'), ['--config-file', '/tmp/x/dev-server.yaml', '--allow-no-auth', 'start']);
  assert.deepEqual(uiServerArgs('/tmp/x'), ['--root', '/tmp/x', '--config', 'ui', '--env', 'dev-server', 'start']);
});
