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

test('shown is known by the dry run\'s skip, not by a value data can hold (a probe of stop 73)', () => {
  const started = (stepId: string) => ({ type: 'step-started', stepId });
  const counts = countSteps([
    // A real answer `dry-run`: no dry run's skip in its visit, so it ran.
    started('ask'), { type: 'step-finished', stepId: 'ask', result: { status: 'ok', value: 'dry-run' } },
    // A for_each whose items a dry run showed: the skips end at each item, the step's finish is its own.
    started('each'), { type: 'step-skipped', stepId: 'each', reason: 'dry-run' }, { type: 'item-finished', stepId: 'each', result: { status: 'ok' } },
    { type: 'step-finished', stepId: 'each', result: { status: 'ok' } },
    // A shown stand-in, whatever its value.
    started('act'), { type: 'step-skipped', stepId: 'act', reason: 'dry-run' }, { type: 'step-finished', stepId: 'act', result: { status: 'ok', value: 'x' } },
    // The same step visited again and run: its earlier skip does not carry over.
    started('act'), { type: 'step-finished', stepId: 'act', result: { status: 'ok', value: 'dry-run' } },
  ]);
  assert.deepEqual(counts, { ok: 3, failed: 0, skipped: 0, shown: 1 });
});
