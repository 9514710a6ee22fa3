// Rendered files by name, in memory: requests for a file being rendered wait
// for that one render, and the least recently used files are dropped once the
// total passes a byte bound (a dropped file is simply rendered again).

interface Entry {
  bytes: Promise<Buffer>;
  /** Known once the render finished; unfinished entries are never dropped. */
  size?: number;
}

export class RenderCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  /** The cached bytes of `key`, or those `render` makes (once, however many ask meanwhile). */
  get(key: string, render: () => Promise<Buffer>): Promise<Buffer> {
    const found = this.entries.get(key);
    if (found) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found.bytes;
    }
    const entry: Entry = { bytes: render() };
    this.entries.set(key, entry);
    entry.bytes.then(
      (bytes) => {
        if (this.entries.get(key) !== entry) return;
        entry.size = bytes.length;
        this.total += bytes.length;
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.bytes;
  }

  get size(): number {
    return this.total;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.total <= this.maxBytes) return;
      if (entry.size === undefined) continue;
      this.entries.delete(key);
      this.total -= entry.size;
    }
  }
}
