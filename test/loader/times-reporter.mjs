// A second test reporter for test/run.mjs: how long each test file's tests took (the sum of its top-level tests),
// written when the run ends to the file named by RUNBOOK_TEST_TIMES, so the next run starts the longest files
// first and no long file is left running alone at the end.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { testFileName } from './test-file-name.mjs';

export default async function* timesReporter(source) {
  const target = process.env.RUNBOOK_TEST_TIMES;
  const ms = {};
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      const file = testFileName(event.data.file);
      ms[file] = (ms[file] ?? 0) + (event.data.details?.duration_ms ?? 0);
    }
  }
  if (!target || Object.keys(ms).length === 0) return;
  let known = {};
  try { known = JSON.parse(readFileSync(target, 'utf8')); } catch { /* first run */ }
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify({ ...known, ...Object.fromEntries(Object.entries(ms).map(([f, t]) => [f, Math.round(t)])) }, null, 1)}\n`);
}
