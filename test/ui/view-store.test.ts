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
