import { test } from 'node:test';
import assert from 'node:assert/strict';
import { devServerArgs } from '../../src/temporal/devServerCommand';

const BASE = { ip: '127.0.0.1', port: 7233, uiPort: undefined, dbFilename: undefined };

function dynamicValues(args: string[]): string[] {
  return args.flatMap((arg, i) => (args[i - 1] === '--dynamic-config-value' ? [arg] : []));
}

test('the dev server reads its transfer queue up to 200 times a second unless told otherwise', () => {
  assert.deepEqual(dynamicValues(devServerArgs(BASE)), ['history.transferProcessorMaxPollRPS=200']);
});

test('a dynamic config value replaces the default of the same key instead of adding a second one', () => {
  const args = devServerArgs({ ...BASE, dynamicConfig: { 'history.transferProcessorMaxPollRPS': 20, 'history.timerProcessorMaxPollRPS': 50 } });
  assert.deepEqual(dynamicValues(args), ['history.transferProcessorMaxPollRPS=20', 'history.timerProcessorMaxPollRPS=50']);
});
