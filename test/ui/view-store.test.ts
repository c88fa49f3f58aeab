// The view store: subscribed before the run starts, output bursts coalesced, everything else at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent, RunEventListener } from '../../src/engine/events.js';
import { createViewStore, OUTPUT_BATCH_MS } from '../../src/ui/view-store.js';
import { sleep } from './helpers.js';

function fakeRun() {
  const listeners: RunEventListener[] = [];
  return { on: (fn: RunEventListener) => { listeners.push(fn); return () => listeners.splice(listeners.indexOf(fn), 1); }, emit: (e: RunEvent) => listeners.forEach((l) => l(e)), listeners };
}

test('output chunks are coalesced into one update; other events notify at once', async () => {
  const run = fakeRun();
  const store = createViewStore(run);
  let updates = 0;
  store.subscribe(() => updates++);
  run.emit({ type: 'step-started', stepId: 's', title: 's', kind: 'shell', attempt: 1, destructive: false });
  assert.equal(updates, 1);
  for (let i = 0; i < 100; i++) run.emit({ type: 'step-output', stepId: 's', stream: 'stdout', chunk: `${i}\n` });
  assert.equal(updates, 1);
  assert.equal(store.get().output.length, 0, 'the shown snapshot waits for the batch');
  await sleep(OUTPUT_BATCH_MS + 20);
  assert.equal(updates, 2);
  assert.equal(store.get().output.length, 100);
  run.emit({ type: 'step-output', stepId: 's', stream: 'stdout', chunk: 'last\n' });
  run.emit({ type: 'step-finished', stepId: 's', attempt: 1, result: { status: 'ok', durationMs: 1 } });
  assert.equal(updates, 3, 'a step finishing flushes pending output with it');
  assert.equal(store.get().output.at(-1)?.text, 'last');
  store.dispose();
  assert.equal(run.listeners.length, 0);
});

test('a loop\'s items are coalesced like output; a gate after them flushes them with it', async () => {
  const run = fakeRun();
  const store = createViewStore(run);
  let updates = 0;
  store.subscribe(() => updates++);
  run.emit({ type: 'step-started', stepId: 'each', title: 'each', kind: 'sql', attempt: 1, destructive: false });
  run.emit({ type: 'loop-started', stepId: 'each', items: Array.from({ length: 500 }, (_, i) => ({ index: i, label: `#${i + 1}`, value: i })) });
  assert.equal(updates, 2);
  for (let i = 0; i < 500; i++) run.emit({ type: 'item-finished', stepId: 'each', index: i, label: `#${i + 1}`, result: { status: 'ok', durationMs: 1 } });
  assert.equal(updates, 2, 'no frame per item');
  await sleep(OUTPUT_BATCH_MS + 20);
  assert.equal(updates, 3);
  assert.match(store.get().output.at(-1)?.text ?? '', /item 500 #500/);
  run.emit({ type: 'item-finished', stepId: 'each', index: 500, label: '#501', result: { status: 'ok', durationMs: 1 } });
  run.emit({ type: 'confirmation-requested', stepId: 'next', title: 'next', command: 'rm -f x', question: 'Run it?', risk: 'normal', resumed: false });
  assert.equal(updates, 4, 'the gate is shown at once');
  assert.match(store.get().output.at(-1)?.text ?? '', /item 501 #501/, 'with the item before it');
  store.dispose();
});
