// pool-exhausted end to end through the CLI, in plain mode with approvals and a transcript, against a lab
// server whose ordinary slots are all held by idle application sessions.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { injectFault, type LabEngine } from '../../src/lab/index.js';
import { gates, readEvents, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function appConnects(engine: LabEngine, url: string): Promise<void> {
  if (engine === 'postgres') {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.end();
  } else {
    const c = await mysql.createConnection({ uri: url, connectTimeout: 3000 });
    await c.end();
  }
}

const CASES: { engine: LabEngine; gate: string }[] = [
  { engine: 'postgres', gate: 'terminate-idle-pg' },
  { engine: 'mariadb', gate: 'kill-idle-mysql' },
];

for (const { engine, gate } of CASES) {
  describe(`pool-exhausted on ${engine}`, () => {
    it('frees the slots behind a confirmed gate; new app connections succeed; the transcript shows each answer', async () => {
      const fault = await injectFault('too-many-connections', engine);
      try {
        await assert.rejects(appConnects(engine, fault.url), 'the fault is real: the app cannot connect');
        const transcript = join(dir, `${engine}.jsonl`);
        const r = await runCli(['run', 'pool-exhausted', '--plain', '--approve', gate, '--transcript', transcript,
          '--input', `url=${fault.server!.adminUrl()}`, '--input', `app_url=${fault.url}`,
          '--input', 'idle_minutes=0', '--input', 'app_processes=2', '--input', 'pool_size=2',
          '--input', 'max_overflow=0', '--input', 'other_connections=0']);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        await appConnects(engine, fault.url);
        assert.equal(fault.held!.alive(), 0, 'every held session was ended');

        const events = readEvents(transcript);
        const { asked, answered } = gates(events);
        assert.deepEqual(asked, [gate]);
        assert.deepEqual(answered, { [gate]: 'yes' });
        const finished = events.find((e) => e.type === 'run-finished');
        assert.equal(finished?.outcome, 'resolved');
        assert.match(String(finished?.message), /connects again, with [1-9]\d* ordinary slots free/);
        const text = JSON.stringify(events);
        for (const secret of [fault.server!.superPassword, fault.server!.appPassword]) {
          assert.ok(!text.includes(secret) && !text.includes(encodeURIComponent(secret)), 'no password in the transcript');
        }
      } finally {
        await fault.cleanup();
      }
    });
  });
}

describe('pool-exhausted gates in plain mode', () => {
  it('stops at an unapproved destructive step without running it', async () => {
    const fault = await injectFault('too-many-connections', 'postgres');
    try {
      const transcript = join(dir, 'unapproved.jsonl');
      const r = await runCli(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
        '--input', `url=${fault.server!.adminUrl()}`, '--input', 'idle_minutes=0']);
      assert.notEqual(r.code, 0);
      await assert.rejects(appConnects('postgres', fault.url), 'nothing was terminated');
      const events = readEvents(transcript);
      assert.ok(!events.some((e) => e.type === 'step-started' && e.stepId === 'terminate-idle-pg'));
    } finally {
      await fault.cleanup();
    }
  });
});
