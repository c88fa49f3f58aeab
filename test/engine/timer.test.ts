// Timers never overflow: Node fires a setTimeout above 2^31-1 ms at once, so `timeout: 750h` ended its
// step immediately. Long timers are chained; the validator refuses durations over 24h anyway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setSafeTimeout } from '../../src/engine/timer.js';
import { toMs } from '../../src/engine/duration.js';
import { durationMs, MAX_DURATION_MS } from '../../src/language/duration.js';
import { readRunbook } from '../../src/language/runbook.js';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('a timer beyond 2^31-1 ms does not fire at once (plain setTimeout would)', async () => {
  let fired = 0;
  const cancels = [2 ** 31, 750 * 3_600_000, Number.MAX_SAFE_INTEGER, Infinity].map((ms) => setSafeTimeout(() => { fired++; }, ms));
  await new Promise((r) => setTimeout(r, 50));
  for (const cancel of cancels) cancel();
  assert.equal(fired, 0);
  let short = 0;
  setSafeTimeout(() => { short++; }, 1);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(short, 1, 'a short timer fires');
});

test('durations: the engine never uses more than the limit, the parser refuses what is not a duration', () => {
  assert.equal(toMs('750h', 5), MAX_DURATION_MS);
  assert.equal(toMs(1e300, 5), MAX_DURATION_MS);
  assert.equal(durationMs('1.5s'), 1500);
  assert.equal(durationMs(Infinity), undefined);
  assert.equal(durationMs('5 minutes'), undefined);
});

test('every duration field is checked against the limit, each error at its value', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-durations-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'long.yaml');
  writeFileSync(file, `name: long
title: Every duration too long
steps:
  - id: a
    shell: echo a
    timeout: 25h
    retry: { attempts: 2, backoff: 86401 }
  - id: b
    probe: tcp
    with: { host: 127.0.0.1, port: 1, timeout: 1441m }
  - id: c
    wait: { shell: echo 1, until: "true", every: 24.5h, for: 86400001ms }
  - id: fine
    shell: echo ok
    timeout: 24h
  - id: done
    end: resolved
`);
  const { diagnostics } = readRunbook(file);
  const long = diagnostics.filter((d) => d.code === 'duration-too-long').map((d) => `${d.line}:${d.col} ${d.message.split(' in step')[0]}`);
  assert.deepEqual(long, ['6:14 timeout 25h', '7:36 retry.backoff 86401s', '10:48 with.timeout 1441m', '12:50 wait.every 24.5h', '12:62 wait.for 86400001ms']);
});
