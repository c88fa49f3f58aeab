// Replay: the recorded run again, with its pauses divided by --speed (long ones capped and marked), or
// one step per Enter; it needs no terminal and never waits on a closed stdin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTranscript } from '../../src/transcript/reader.js';
import { replay, MAX_PAUSE_MS, type ReplayOptions } from '../../src/transcript/replay/play.js';
import { cli, scratch } from './helpers.js';

const at = (s: number) => new Date(Date.UTC(2024, 4, 1, 12, 0, 0) + s * 1000).toISOString();

/** A small transcript: two steps 1s apart, a confirmation answered a minute later. */
function sample(dir: string): string {
  const lines = [
    { type: 'header', format: 1, runbook: { name: 'demo', title: 'Demo', file: '/nowhere/demo.yaml', sha256: 'a'.repeat(64) }, engineVersion: '0.1.0', operator: 'alice', host: 'ops-1', pid: 4242, inputs: { url: 'postgres://app:****@db/app' }, argv: ['run', 'demo'] },
    { type: 'run-started', runId: 'r1', runbook: { name: 'demo', title: 'Demo', file: '/nowhere/demo.yaml', sha256: 'a'.repeat(64) }, inputs: { url: 'postgres://app:****@db/app' }, dryRun: false },
    { type: 'step-started', stepId: 'check', title: 'Check', kind: 'shell', attempt: 1, destructive: false, command: 'pg_isready\n' },
    { type: 'step-output', stepId: 'check', stream: 'stdout', chunk: 'db:5432 - no response\n\x1b[31mred\x1b[0m\n' },
    { type: 'step-finished', stepId: 'check', attempt: 1, result: { status: 'failed', durationMs: 1000, exitCode: 2, error: 'exit code 2' } },
    { type: 'branch', from: 'check', to: 'restart', via: 'on', expression: 'error', value: true },
    { type: 'confirmation-requested', stepId: 'restart', title: 'Restart', command: 'systemctl restart db', question: 'Restart the database?', risk: 'high', resumed: false },
    { type: 'confirmation-answered', stepId: 'restart', answer: 'yes', by: 'alice', how: 'typed', waitedMs: 60_000 },
    { type: 'step-started', stepId: 'restart', title: 'Restart', kind: 'shell', attempt: 1, destructive: true, command: 'systemctl restart db' },
    { type: 'step-finished', stepId: 'restart', attempt: 1, result: { status: 'ok', durationMs: 500, exitCode: 0 } },
    { type: 'note', text: 'db back', by: 'alice', stepId: 'restart' },
    { type: 'run-finished', outcome: 'resolved', message: 'Restarted.', durationMs: 62_000, steps: { ok: 1, failed: 1, skipped: 0 } },
  ];
  const seconds = [0, 0, 0, 1, 1, 1, 1, 61, 61, 61.5, 61.5, 62];
  const file = join(dir, 'demo.jsonl');
  writeFileSync(file, lines.map(({ type, ...fields }, i) => JSON.stringify({ type, seq: i, ts: at(seconds[i]!), ...fields })).join('\n') + '\n');
  return file;
}

function player(speed: number, step = false) {
  const out: string[] = [];
  const sleeps: number[] = [];
  let stepsAsked = 0;
  const opts: ReplayOptions = {
    speed, step, write: (t) => { out.push(t); }, sleep: async (ms) => { sleeps.push(ms); }, nextStep: async () => { stepsAsked++; },
  };
  return { opts, out, sleeps, steps: () => stepsAsked };
}

test('replay prints every event with its time and compresses the pauses', async (t) => {
  const p = player(10);
  await replay(readTranscript(sample(scratch(t))), p.opts);
  const text = p.out.join('');
  assert.deepEqual(p.sleeps, [100, MAX_PAUSE_MS, 50, 50], '1s/10, 60s capped, 0.5s/10 twice');
  assert.match(text, /^12:00:00  Demo \(demo\) — alice on ops-1\n/);
  assert.match(text, /12:00:01  │ db:5432 - no response\n {10}│ red\n/, 'output shown, colour codes stripped');
  assert.match(text, /⋯ 1m 00s later\n12:01:01  → yes — by alice \(typed\) after 1m 00s\n/);
  assert.match(text, /12:00:01  \? confirm restart \(HIGH RISK\): Restart the database\?\n {10}\$ systemctl restart db\n/);
  assert.match(text, /✎ alice at restart: db back/);
  assert.match(text, /■ run finished: RESOLVED — Restarted\./);
});

test('--speed 0 never pauses; --step waits for the viewer before each step instead', async (t) => {
  const file = sample(scratch(t));
  const fast = player(0);
  await replay(readTranscript(file), fast.opts);
  assert.deepEqual(fast.sleeps, []);
  const stepped = player(10, true);
  await replay(readTranscript(file), stepped.opts);
  assert.deepEqual(stepped.sleeps, []);
  assert.equal(stepped.steps(), 1, 'once, before restart (its confirmation and its run are one step); not before the first');
});

test('replay CLI: --step works without a terminal, and ends when stdin does', async (t) => {
  const file = sample(scratch(t));
  const r = await cli(['replay', file, '--step'], { stdin: '\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /■ run finished: RESOLVED/);
  const bad = await cli(['replay', file, '--speed', 'fast']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--speed takes a number/);
});
