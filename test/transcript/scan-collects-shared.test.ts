// Issue #51, stop 77: scans read side by side share one count of what was read since the last full collection.
// `runbook report` reads its timeline pass and its outputs pass of the file at once (two descriptors open from
// ~15 s to the end of a 1 GiB report), and a count per scan let each leave its window of large-object garbage before
// asking for a collection: two windows at once (docs/performance.md).
// A file of its own: the count is the process's, and scan-collects.test.ts's figures start from zero.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanLines } from '../../src/transcript/line-scan.js';
import { scratch } from '../hardening/helpers.js';
import { forcedCollections, longLines } from './scan-collects-helpers.js';

test('two scans read side by side ask for a collection after each 8 MiB the two read together', async (t) => {
  const dir = scratch(t);
  // 5 MiB each: neither reaches 8 MiB alone, the two together do once.
  const [a, b] = [scanLines(longLines(dir, 5)), scanLines(longLines(scratch(t), 5))];
  const sideBySide = () => { let doneA = false; let doneB = false; while (!doneA || !doneB) { if (!doneA) doneA = a.next().done === true; if (!doneB) doneB = b.next().done === true; } };
  assert.equal(await forcedCollections(sideBySide), 1);
});
