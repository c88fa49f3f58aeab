// Issue #51, stop 77: scans read side by side share one count of what was read since the last full collection.
// `runbook report` reads its timeline pass and its outputs pass of the file at once (two descriptors open from
// ~15 s to the end of a 1 GiB report), and a count per scan let each leave its window of large-object garbage before
// asking for a collection: two windows at once (docs/performance.md).
// A file of its own: the count is the process's, and scan-collects.test.ts's figures start from zero.
import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { test } from 'node:test';
import { scanLines } from '../../src/transcript/line-scan.js';
import { scratch } from '../hardening/helpers.js';

const MIB = 2 ** 20;

/** A transcript of `mib` MiB of 200 KiB note lines. */
function longLines(dir: string, mib: number): string {
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
async function forcedCollections(fn: () => void): Promise<number> {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  fn();
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  const flags = (e: PerformanceEntry) => (e as PerformanceEntry & { detail?: { flags?: number } }).detail?.flags ?? 0;
  return entries.filter((e) => (flags(e) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0).length;
}

test('two scans read side by side ask for a collection after each 8 MiB the two read together', async (t) => {
  const dir = scratch(t);
  // 5 MiB each: neither reaches 8 MiB alone, the two together do once.
  const [a, b] = [scanLines(longLines(dir, 5)), scanLines(longLines(scratch(t), 5))];
  const sideBySide = () => { let doneA = false; let doneB = false; while (!doneA || !doneB) { if (!doneA) doneA = a.next().done === true; if (!doneB) doneB = b.next().done === true; } };
  assert.equal(await forcedCollections(sideBySide), 1);
});
