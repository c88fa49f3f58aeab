// Keeps the head and tail of a stream and counts the rest, so a step printing gigabytes
// finishes in bounded memory while the operator still sees how it started and ended.
import { plural } from '../common/plural.js';

export const HEAD_BYTES = 64 * 1024;
export const TAIL_BYTES = 64 * 1024;

export class BoundedOutput {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(private readonly headMax = HEAD_BYTES, private readonly tailMax = TAIL_BYTES) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.headMax - this.headBytes;
    if (room > 0) {
      const part = chunk.subarray(0, room);
      this.head.push(part);
      this.headBytes += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    // Compact only once the tail has doubled: amortised O(1) copying per byte.
    if (this.tailBytes > 2 * this.tailMax) this.compactTail();
  }

  get bytes(): number { return this.total; }

  /** Head + tail as text; the elided middle is replaced by a marker naming its size. */
  text(): string {
    this.compactTail();
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    const elided = this.total - this.headBytes - this.tailBytes;
    return elided > 0 ? `${head}\n[… ${plural(elided, 'byte')} elided …]\n${tail}` : head + tail;
  }

  private compactTail(): void {
    if (this.tailBytes <= this.tailMax) return;
    // Copy, so the retained bytes don't pin the large chunks they were sliced from.
    const joined = Buffer.concat(this.tail);
    this.tail = [Buffer.from(joined.subarray(joined.length - this.tailMax))];
    this.tailBytes = this.tailMax;
  }
}
