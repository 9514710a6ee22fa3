// The code's layers: no import runs from a lower layer up to a higher one.
// Each source file belongs to an area (a folder of src/, the workflows' own
// folders, their contracts apart); the imports between areas must form no
// cycle, and the areas below must not import the areas named above them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');
const CONTRACTS = new Set(['src/workflows/ad/contract.ts', 'src/workflows/ad/activityContract.ts', 'src/workflows/campaign/contract.ts', 'src/workflows/campaign/activityContract.ts']);

/** The area of a source file: "config", "api", "workflows/ad", "workflows/contracts", "entrypoints", ... */
function areaOf(file: string): string {
  if (CONTRACTS.has(file)) return 'workflows/contracts';
  const parts = file.split('/');
  if (parts.length === 2) return parts[1]!.replace(/\.ts$/, '');
  if (parts[1] === 'workflows' && parts.length > 3) return `workflows/${parts[2]}`;
  return parts[1]!;
}

/** Every import between two areas, as "from-area -> to-area" with an example. */
function areaImports(): Map<string, string> {
  const files = execFileSync('git', ['ls-files', 'src'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ts'));
  const known = new Set(files);
  const edges = new Map<string, string>();
  for (const file of files) {
    for (const [, spec] of readFileSync(path.join(ROOT, file), 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]*)['"]/g)) {
      const base = path.normalize(path.join(path.dirname(file), spec!));
      const target = [base, `${base}.ts`, path.join(base, 'index.ts')].find((c) => known.has(c));
      if (!target || areaOf(target) === areaOf(file)) continue;
      edges.set(`${areaOf(file)} -> ${areaOf(target)}`, `${file} imports ${target}`);
    }
  }
  return edges;
}

test('the areas of the code import each other without a cycle', () => {
  const edges = areaImports();
  const next = new Map<string, string[]>();
  for (const edge of edges.keys()) {
    const [from, to] = edge.split(' -> ') as [string, string];
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const cycles: string[] = [];
  const visit = (area: string, trail: string[]) => {
    for (const to of next.get(area) ?? []) {
      if (trail.includes(to)) cycles.push([...trail.slice(trail.indexOf(to)), to].map((a, i, all) => (i + 1 < all.length ? edges.get(`${a} -> ${all[i + 1]}`) : a)).slice(0, -1).join('; '));
      else if (trail.length < 12) visit(to, [...trail, to]);
    }
  };
  for (const area of next.keys()) visit(area, [area]);
  assert.deepEqual([...new Set(cycles)].slice(0, 5), []);
});

test('the lowest layers import nothing of the layers built on them', () => {
  const below: Record<string, string[]> = {
    // Contracts: what clients, activities and the API may import; nothing of any workflow's insides.
    'workflows/contracts': ['workflows/ad', 'workflows/campaign', 'workflows/shared', 'activities', 'api', 'starter', 'entrypoints', 'worker', 'config'],
    tools: ['temporal', 'config', 'api', 'starter', 'entrypoints', 'worker', 'activities', 'workflows/ad', 'workflows/campaign'],
    config: ['api', 'artifacts', 'temporal', 'starter', 'entrypoints', 'worker', 'activities', 'logging', 'metrics'],
    activities: ['workflows/ad', 'workflows/campaign', 'api', 'starter', 'entrypoints', 'worker'],
    api: ['entrypoints', 'worker'],
    starter: ['api', 'entrypoints', 'worker', 'workflows/campaign/workflow'],
  };
  const wrong = [...areaImports()].filter(([edge]) => {
    const [from, to] = edge.split(' -> ') as [string, string];
    return below[from]?.includes(to);
  });
  assert.deepEqual(wrong.map(([, example]) => example), []);
});
