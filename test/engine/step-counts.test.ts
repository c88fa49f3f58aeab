// One count of a run's steps for every surface (src/engine/step-counts.ts): a step a dry run only showed is
// counted as shown, never as ok, and the words say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countSteps, countsText } from '../../src/engine/step-counts.js';

test('a dry run\'s shown step is counted shown, not ok; skips by the dry run are not skips', () => {
  const counts = countSteps([
    { type: 'step-finished', stepId: 'look', result: { status: 'ok' } },
    { type: 'step-skipped', stepId: 'restart', reason: 'dry-run' },
    { type: 'step-finished', stepId: 'restart', result: { status: 'ok', value: 'dry-run' } },
    { type: 'step-skipped', stepId: 'other', reason: 'operator' },
    { type: 'step-finished', stepId: 'bad', result: { status: 'timeout' } },
  ]);
  assert.deepEqual(counts, { ok: 1, failed: 1, skipped: 1, shown: 1 });
  assert.equal(countsText(counts), '1 ok, 1 shown, not run, 1 failed, 1 skipped');
});

test('a run with nothing shown words its counts as before, and has no shown count', () => {
  const counts = countSteps([{ type: 'step-finished', stepId: 'a', result: { status: 'ok', value: 3 } }]);
  assert.deepEqual(counts, { ok: 1, failed: 0, skipped: 0 });
  assert.equal(countsText(counts), '1 ok, 0 failed, 0 skipped');
});
