// What the scan-collects tests share: a transcript of long lines, and V8's own count of forced full collections.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

const MIB = 2 ** 20;

/** A transcript of `mib` MiB of 200 KiB note lines. */
export function longLines(dir: string, mib: number): string {
  const file = join(dir, `long-lines-${mib}.jsonl`);
  const fd = openSync(file, 'w');
  try {
    const text = 'x'.repeat(200 * 1024);
    writeSync(fd, `${JSON.stringify({ type: 'header' })}\n`);
    for (let i = 0; i * 200 * 1024 < mib * MIB; i++) writeSync(fd, `${JSON.stringify({ type: 'note', seq: i, text })}\n`);
  } finally {
    closeSync(fd);
  }
  return file;
}

/** The forced full collections V8 reports while `fn` runs (reported after it, on the event loop). */
export async function forcedCollections(fn: () => void): Promise<number> {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  fn();
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  const flags = (e: PerformanceEntry) => (e as PerformanceEntry & { detail?: { flags?: number } }).detail?.flags ?? 0;
  return entries.filter((e) => (flags(e) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0).length;
}
