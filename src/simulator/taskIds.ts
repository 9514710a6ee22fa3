// Vidu task ids are 18-digit numeric strings that grow over time (snowflake
// style, e.g. "891100896237203456"). Ours are milliseconds since 2024 shifted
// left by 22 bits plus a sequence, so they also sort by creation order.
const EPOCH_MS = Date.UTC(2024, 0, 1);
const SEQUENCE_BITS = 22n;

export class TaskIdGenerator {
  private last = 0n;

  next(): string {
    const fromClock = BigInt(Date.now() - EPOCH_MS) << SEQUENCE_BITS;
    this.last = fromClock > this.last ? fromClock : this.last + 1n;
    return this.last.toString();
  }
}
