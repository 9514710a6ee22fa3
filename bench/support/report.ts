// How the benchmarks print their figures: a small table per benchmark for
// people, then one JSON line per result (tagged with the run and the machine)
// for comparing runs: `npm run bench | grep '^{"bench"'`, or --out FILE.
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './stats';

export type Figure = string | number | boolean | null;
export type ResultRow = Record<string, Figure>;

export interface Column {
  key: string;
  label: string;
}

export interface Table {
  bench: string;
  title: string;
  columns: Column[];
  rows: ResultRow[];
  /** Printed under the table: what the figures include, what bounded them. */
  notes?: string[];
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

function show(value: Figure | undefined): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'number') return Number.isFinite(value) ? String(round(value)) : '-';
  return String(value);
}

export class Reporter {
  private readonly runAt = new Date().toISOString();
  private readonly machine = describeMachine();

  constructor(
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
    private readonly outFile?: string,
  ) {}

  heading(text: string): void {
    this.write(`\n== ${text}\n`);
  }

  line(text: string): void {
    this.write(`${text}\n`);
  }

  machineLine(): string {
    const m = this.machine;
    return `${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`;
  }

  publish(table: Table): void {
    const cells = table.rows.map((row) => table.columns.map((c) => show(row[c.key])));
    const widths = table.columns.map((c, i) => Math.max(c.label.length, ...cells.map((r) => r[i]!.length)));
    const format = (values: string[]) => values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
    this.write(`\n${table.title}\n`);
    this.write(`${format(table.columns.map((c) => c.label))}\n`);
    this.write(`${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
    for (const row of cells) this.write(`${format(row)}\n`);
    for (const note of table.notes ?? []) this.write(`  ${note}\n`);
    for (const row of table.rows) {
      const json = JSON.stringify({
        bench: table.bench,
        ...Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])),
        runAt: this.runAt,
        cpus: this.machine.cpus,
        node: this.machine.node,
      });
      this.write(`${json}\n`);
      if (this.outFile) appendFileSync(this.outFile, `${json}\n`);
    }
  }
}
