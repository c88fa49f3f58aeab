// Honest endings of pool-exhausted against real servers (issue #16): started with an administrator URL on a
// server whose ordinary slots are all held by idle sessions younger than idle_minutes, nothing qualifies and
// nothing is freed. The run must end escalate (exit 1) saying so, never resolved - the administrator's own
// login through a reserved slot is not the application getting in.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createExecutors } from '../../src/executors/index.js';
import { injectFault, RESERVED_ROLE, startServer, type LabEngine } from '../../src/lab/index.js';
import { testContext } from '../executors/context.js';
import { readEvents, runCli, type TranscriptEvent } from './helpers.js';
import { runCliWithAnswers } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-endings-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const finishedRun = (events: TranscriptEvent[]) => events.find((e) => e.type === 'run-finished');
const stepIds = (events: TranscriptEvent[], type: string) => events.filter((e) => e.type === type).map((e) => e.stepId);

// PostgreSQL 18 too: reserved_connections and pg_use_reserved_connections (16+) enter the slot math.
const TARGETS: { engine: LabEngine; name: string; version: { postgresVersion?: '18' } }[] = [
  { engine: 'postgres', name: 'postgres', version: {} }, { engine: 'postgres', name: 'postgres 18', version: { postgresVersion: '18' } },
  { engine: 'mariadb', name: 'mariadb', version: {} },
];

for (const { engine, name, version } of TARGETS) {
  describe(`pool-exhausted on ${name}: nothing qualifies, nothing is freed`, { concurrency: true }, () => {
    it('with an administrator URL and no app_url: asks for the application URL, then ends escalate (exit 1) naming what holds the slots', async () => {
      const fault = await injectFault('too-many-connections', engine, version);
      try {
        const transcript = join(dir, `${name.replace(' ', '')}-asked.jsonl`);
        // Default thresholds: the held sessions are seconds old, far younger than idle_minutes=10.
        const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
          '--input', `url=${fault.server!.adminUrl()}`, '--input', 'app_processes=0'], ['', fault.url]);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const events = readEvents(transcript);
        // Nothing qualified: the counts were shown and the operator kept the thresholds (Enter).
        const lower = events.find((e) => e.type === 'question-asked' && (e as { question?: { stepId?: string } }).question?.stepId === 'lower-thresholds');
        assert.match(JSON.stringify(lower), /none of the \d+ other sessions passes the thresholds: [1-9]\d* idle/);
        const end = finishedRun(events);
        assert.equal(end?.outcome, 'escalate');
        assert.equal(stepIds(events, 'step-started').at(-1), 'holders', 'the evidence for the hand-over was gathered');
        assert.match(String(end?.message), /is still refused: too-many-connections/);
        assert.match(String(end?.message), /Nothing qualified for ending \(idle over 10 min/);
        assert.match(String(end?.message), /other sessions hold the slots: \d+ idle/);
        assert.deepEqual(stepIds(events, 'confirmation-requested'), [], 'nothing was offered for ending');
        assert.equal(fault.held!.alive(), fault.held!.opened, 'every held session is still there');
        const text = JSON.stringify(events);
        for (const secret of [fault.server!.superPassword, fault.server!.appPassword]) {
          assert.ok(!text.includes(secret) && !text.includes(encodeURIComponent(secret)), 'no password in the transcript');
        }
      } finally {
        await fault.cleanup();
      }
    });

    it('with app_url given: only the thresholds question (kept), the same escalate', async () => {
      const fault = await injectFault('too-many-connections', engine, version);
      try {
        const transcript = join(dir, `${name.replace(' ', '')}-given.jsonl`);
        const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
          '--input', `url=${fault.server!.adminUrl()}`, '--input', `app_url=${fault.url}`, '--input', 'app_processes=0'], ['']);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const end = finishedRun(readEvents(transcript));
        assert.equal(end?.outcome, 'escalate');
        assert.match(String(end?.message), /Nothing qualified for ending/);
      } finally {
        await fault.cleanup();
      }
    });

    it('a dry run with thresholds that match: nothing is ended, and the ending says what a real run would have offered', async () => {
      const fault = await injectFault('too-many-connections', engine, version);
      try {
        const transcript = join(dir, `${name.replace(' ', '')}-dry.jsonl`);
        const r = await runCli(['run', 'pool-exhausted', '--plain', '--dry-run', '--transcript', transcript,
          '--input', `url=${fault.server!.adminUrl()}`, '--input', `app_url=${fault.url}`, '--input', 'idle_minutes=0',
          '--input', 'app_processes=0']);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const end = finishedRun(readEvents(transcript));
        assert.equal(end?.outcome, 'escalate');
        assert.match(String(end?.message), /Dry run: nothing was ended; a real run would have offered 0 sessions idle in a transaction, 0 long queries and [1-9]\d* idle sessions/);
        assert.equal(fault.held!.alive(), fault.held!.opened, 'the dry run ended nothing');
      } finally {
        await fault.cleanup();
      }
    });

    it('nothing qualifies, the operator lowers the threshold to 0 when shown the counts: the sessions are ended behind the gate, resolved', async () => {
      const fault = await injectFault('too-many-connections', engine, version);
      try {
        const gate = engine === 'postgres' ? 'terminate-idle-pg' : 'kill-idle-mysql';
        const transcript = join(dir, `${name.replace(' ', '')}-lowered.jsonl`);
        const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--approve', gate, '--transcript', transcript,
          '--input', `url=${fault.server!.adminUrl()}`, '--input', `app_url=${fault.url}`, '--input', 'app_processes=0'], ['0']);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const events = readEvents(transcript);
        assert.equal(finishedRun(events)?.outcome, 'resolved');
        assert.deepEqual(stepIds(events, 'confirmation-requested'), [gate]);
        assert.ok(fault.held!.alive() < fault.held!.opened, 'held sessions were ended');
      } finally {
        await fault.cleanup();
      }
    });

    it('the fixed path: idle sessions ended behind the gate, the application user connects with ordinary slots free: resolved', async () => {
      const fault = await injectFault('too-many-connections', engine, version);
      try {
        const gate = engine === 'postgres' ? 'terminate-idle-pg' : 'kill-idle-mysql';
        const transcript = join(dir, `${name.replace(' ', '')}-fixed.jsonl`);
        const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--approve', gate, '--transcript', transcript,
          '--input', `url=${fault.server!.adminUrl()}`, '--input', 'idle_minutes=0', '--input', 'app_processes=0'], [fault.url]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const end = finishedRun(readEvents(transcript));
        assert.equal(end?.outcome, 'resolved');
        assert.match(String(end?.message), new RegExp(`The application's user ${fault.server!.appUser} connects again, with [1-9]\\d* ordinary slots free`));
      } finally {
        await fault.cleanup();
      }
    });
  });
}

describe('pool-exhausted: free slots that cannot be measured are not a fix', () => {
  it("MariaDB, the runbook's URL is the application's own user: it logs in, but may not read sessions (PROCESS) or mysql.user: escalate, not resolved nor failed", async () => {
    const server = await startServer('mariadb');
    try {
      const transcript = join(dir, 'mariadb-unmeasured.jsonl');
      const r = await runCli(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
        '--input', `url=${server.url()}`, '--input', 'app_processes=0']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const events = readEvents(transcript);
      const headroom = events.find((e) => e.type === 'step-finished' && e.stepId === 'app-headroom') as { result?: { status?: string; error?: string } };
      assert.equal(headroom.result?.status, 'failed');
      assert.match(String(headroom.result?.error), /denied/i);
      const end = finishedRun(events);
      assert.equal(end?.outcome, 'escalate');
      assert.match(String(end?.message), /got in once, but its free slots could not be measured .*not verified/);
      // Without PROCESS it cannot see other sessions either: the run says so instead of failing at the first query.
      assert.match(String(end?.message), /could not read the other sessions \(.*PROCESS.*\): run it again with an administrator URL/);
    } finally {
      await server.stop();
    }
  });
});

describe('pool-exhausted on PostgreSQL 18 with reserved_connections', () => {
  it('an operations role with pg_use_reserved_connections gets in through its slots, counts as privileged, and the slot math leaves both reserves out', async () => {
    // 8 slots: 1 for superusers, 2 for pg_use_reserved_connections, 5 ordinary (all held by the application).
    const server = await startServer('postgres', { postgresVersion: '18', maxConnections: 8, reservedConnections: 1, reservedForRoles: 2 });
    const fault = await injectFault('too-many-connections', 'postgres', { server });
    const executors = createExecutors();
    try {
      const ops = server.url({ user: RESERVED_ROLE });
      const app = await executors.execute({ kind: 'probe', probe: 'db-connect', url: fault.url, timeoutMs: 5000 }, testContext());
      assert.equal(app.classification, 'too-many-connections');
      assert.match(String(app.error), /reserved for roles with privileges of the "pg_use_reserved_connections" role/);
      const opsLogin = await executors.execute({ kind: 'probe', probe: 'db-connect', url: ops, timeoutMs: 5000 }, testContext());
      assert.equal(opsLogin.status, 'ok', opsLogin.error);

      const transcript = join(dir, 'pg18-reserved.jsonl');
      const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--approve', 'terminate-idle-pg', '--transcript', transcript,
        '--input', `url=${ops}`, '--input', `app_url=${fault.url}`, '--input', 'idle_minutes=0', '--input', 'app_processes=0'], []);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const events = readEvents(transcript);
      const rows = (id: string) => (events.find((e) => e.type === 'step-finished' && e.stepId === id) as { result?: { rows?: Record<string, unknown>[] } }).result?.rows?.[0] ?? {};
      const usage = rows('usage');
      // Counted: the five held sessions and the runbook's own (through a reserved slot).
      assert.deepEqual([usage.max, usage.reserved, usage.usable], [8, 3, 5], JSON.stringify(usage));
      assert.deepEqual([rows('runbook-role').user, rows('runbook-role').admin], [RESERVED_ROLE, 1], 'a pg_use_reserved_connections member is privileged');
      assert.equal(rows('app-headroom').ordinary, 5);
      const end = finishedRun(events);
      assert.equal(end?.outcome, 'resolved');
      assert.match(String(end?.message), /The application's user app_user connects again, with [1-5] ordinary slots free \(\d of 5 in use\)/);
    } finally {
      await executors.close();
      await fault.cleanup();
      await server.stop();
    }
  });
});
