// Reads and writes the recorded histories under test/histories/ (made by
// test/support/recordHistories.ts, replayed by the replay tests). They are
// JSON made by the generated protobuf code (camelCase fields, enum names,
// int64 as strings, bytes as base64): the SDK's own historyToJSON and
// historyFromJSON fail in this install, whose @temporalio packages each nest
// their own copy of protobufjs ("type must be a Type").
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';

const History = temporal.api.history.v1.History;

export const HISTORIES_DIR = path.join(PROJECT_ROOT, 'test', 'histories');

/** The recorded histories' file names, sorted. */
export function recordedHistoryFiles(): string[] {
  return readdirSync(HISTORIES_DIR).filter((name) => name.endsWith('.json')).sort();
}

/** `ad-history-x.json` and `ad-history-x.run2.json` both belong to workflow `ad-history-x`. */
export function workflowIdOf(file: string): string {
  return file.replace(/(\.run\d+)?\.json$/, '');
}

export function readRecordedHistory(file: string): temporal.api.history.v1.History {
  return historyFromFileText(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
}

export function historyToFileText(history: temporal.api.history.v1.IHistory): string {
  const plain = History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String });
  // Stack traces name the files of the machine that recorded them: keep the project's own path out.
  return JSON.stringify(plain, null, 1).split(PROJECT_ROOT).join('<project>') + '\n';
}

export function historyFromFileText(text: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(text) as Record<string, unknown>);
}
