// The hang guards themselves (issue #20): a wait that never ends fails its test with a message naming what
// it waited for, and a guard that was not needed leaves nothing behind to keep the test process alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settles, until } from './poll.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('settles: a promise that never settles fails after the bound, naming what was awaited', async () => {
  await assert.rejects(settles(new Promise(() => {}), 30, 'the run to end'), /timed out after 30 ms waiting for the run to end/);
});

test('settles: a promise that settles gives its value or its error, and the guard timer is gone', async () => {
  const before = timers();
  assert.equal(await settles(Promise.resolve(7), 600_000, 'seven'), 7);
  await assert.rejects(settles(Promise.reject(new Error('boom')), 600_000, 'boom'), /^Error: boom$/);
  assert.equal(timers(), before, 'a 10-minute guard left running would hold the process after the test');
});

test('until: a state that never comes fails after the bound, naming it', async () => {
  await assert.rejects(until(() => false, 30, 'the gate to arm', 5), /timed out after 30 ms waiting for the gate to arm/);
});
