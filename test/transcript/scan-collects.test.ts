// Issue #51: reading a long transcript of long lines (a step's 128 KiB result in each finish line) stays bounded.
// Each such line, and each read, is a large-object string that only a full collection frees; V8, sized for a heap
// of gigabytes, let them pile up (a 1 GiB resume peaked at 187 MiB). The scanner asks for a full collection after
// every 32 MiB it reads (line-scan.ts, common/v8-flags.ts collectGarbage): 112–114 MiB; every 8 MiB since stop 77
// (report of 1 GiB: 161 → 135 MiB). The figure itself is the
// bench's (`npm run bench -- --only=resume`: memory targets live there, not in a test on a shared machine); this
// checks the mechanism: V8's own record of the collections made during a scan, those forced counted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanLines } from '../../src/transcript/line-scan.js';
import { scratch } from '../hardening/helpers.js';
import { forcedCollections, longLines } from './scan-collects-helpers.js';

test('a scan of 100 MiB asks for a full collection after each 8 MiB read; one of 3 MiB asks for none', async (t) => {
  const dir = scratch(t);
  const scan = (file: string) => () => { const s = scanLines(file); while (!s.next().done) { /* nothing kept */ } };
  assert.equal(await forcedCollections(scan(longLines(dir, 100))), 12);
  // The process's count goes on from the scan before (~4 MiB past its last collection): 4 + 3 < 8.
  assert.equal(await forcedCollections(scan(longLines(dir, 3))), 0);
});
