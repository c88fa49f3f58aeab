// for_each on real PostgreSQL and MariaDB: a destructive loop over idle sessions has one gate that lists every
// session, and ends exactly the sessions it listed. Sessions opened after the gate survive; a dry run, a declined
// gate and an over-long list end none. The sessions are the lab's held application connections.
// The same servers carry the --from-transcript round trip of a real run through every step kind (the for_each
// among them with mixed item results): the case written from its transcript passes `runbook test` on the same path.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { ConfirmAnswer, ConfirmationRequested, RunEvent } from '../../src/engine/events.js';
import { Run } from '../../src/engine/run.js';
import { resolveInputs } from '../../src/engine/inputs.js';
import { createExecutors } from '../../src/executors/index.js';
import { holdConnections, startServer, type HeldConnections, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { readRunbook } from '../../src/language/runbook.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { readEvents, runCli } from '../runbooks/helpers.js';
import { EVERY_KIND_ANSWERS, writeEveryKind } from '../testing/every-kind.js';
import { adminQuery } from '../db/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-foreach-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Lists the app user's idle sessions, then ends each behind one gate. */
function killRunbook(maxItems = 100): string {
  const file = join(dir, `kill-idle-${maxItems}.yaml`);
  writeFileSync(file, `
name: kill-idle
title: End the application's idle sessions
inputs:
  url: { required: true, secret: true, type: url }
  user: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: idle
    title: Idle sessions of \${{ inputs.user }}
    sql:
      query:
        postgres: >-
          SELECT pid AS id, usename AS "user", coalesce(host(client_addr), 'local') AS client,
                 round(extract(epoch FROM now() - state_change))::int AS idle_s
          FROM pg_stat_activity WHERE usename = $1 AND state = 'idle' AND pid <> pg_backend_pid() ORDER BY pid
        mysql: >-
          SELECT ID AS id, USER AS user, SUBSTRING_INDEX(HOST, ':', 1) AS client, TIME AS idle_s
          FROM information_schema.PROCESSLIST WHERE USER = ? AND COMMAND = 'Sleep' AND ID <> CONNECTION_ID() ORDER BY ID
      params: ["\${{ inputs.user }}"]
    capture: idle
  - id: kill
    title: End the idle sessions
    destructive: true
    for_each:
      in: idle.rows
      as: session
      label: session \${{ session.id }} \${{ session.user }}@\${{ session.client }} idle \${{ session.idle_s }}s
      max_items: ${maxItems}
    sql:
      query:
        postgres: SELECT pg_terminate_backend($1::int) AS ended
        mysql: KILL CONNECTION ?
      params: ["\${{ session.id }}"]
    on: { skipped: kept, error: failed }
  - id: done
    end: resolved
    message: ended \${{ steps.kill.details.ok }} sessions
  - id: kept
    end: escalate
    message: nothing was ended
  - id: failed
    end: failed
    message: "\${{ steps.kill.error }}"
`);
  return file;
}

/** Session ids of a user, straight from the server (not through the runbook). */
async function sessionIds(server: LabServer, user: string): Promise<number[]> {
  if (server.engine === 'postgres') {
    const c = new pg.Client({ connectionString: server.adminUrl() });
    await c.connect();
    try {
      const r = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE usename = $1 ORDER BY pid', [user]);
      return r.rows.map((x) => x.pid);
    } finally { await c.end(); }
  }
  const c = await mysql.createConnection({ uri: server.adminUrl() });
  try {
    const [rows] = await c.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ? ORDER BY ID', [user]);
    return (rows as { id: number }[]).map((x) => Number(x.id));
  } finally { await c.end(); }
}

/** A real run in this process (real executors), answering the gate with `answer` after `atGate` ran. */
async function runInProcess(server: LabServer, answer: ConfirmAnswer, atGate: (gate: ConfirmationRequested) => Promise<void> = async () => undefined) {
  const { runbook } = readRunbook(killRunbook());
  assert.ok(runbook);
  const redactor = new Redactor();
  const { values: inputs } = resolveInputs(runbook.doc, { url: server.adminUrl(), user: server.appUser }, {}, redactor);
  const executors = createExecutors();
  const run = new Run({ runbook, inputs, redactor, executors, operator: 'tester' });
  const events: RunEvent[] = [];
  run.on((e) => {
    events.push(e);
    if (e.type === 'confirmation-requested') void atGate(e).then(() => run.confirm(e.stepId, answer));
  });
  try {
    const finished = await run.start();
    return { finished, events };
  } finally {
    await executors.close();
  }
}

/** Waits until the server has ended what it was told to (KILL and pg_terminate_backend return before the session is gone). */
async function settle(server: LabServer, user: string, expected: number): Promise<number[]> {
  let ids: number[] = [];
  for (let i = 0; i < 200; i++) {
    ids = await sessionIds(server, user);
    if (ids.length === expected) return ids;
    await new Promise((r) => setTimeout(r, 50));
  }
  return ids;
}

for (const engine of ['postgres', 'mariadb'] as LabEngine[]) {
  describe(`for_each on ${engine}`, () => {
    let server: LabServer;
    const holds: HeldConnections[] = [];
    const hold = async (n: number) => { const h = await holdConnections(engine, server.url(), n); holds.push(h); assert.equal(h.opened, n); return h; };
    before(async () => { server = await startServer(engine, { maxConnections: 60 }); });
    after(async () => { for (const h of holds) await h.release(); await server?.stop(); });
    const releaseAll = async () => { for (const h of holds.splice(0)) await h.release(); await settle(server, server.appUser, 0); };

    it('one gate lists every idle session; exactly those end; sessions opened after the gate survive', async () => {
      await releaseAll();
      const listed = await hold(5);
      const beforeIds = await sessionIds(server, server.appUser);
      assert.equal(beforeIds.length, 5);
      let late: HeldConnections | undefined;
      const { finished, events } = await runInProcess(server, 'yes', async () => { late = await hold(3); });
      assert.equal(finished.outcome, 'resolved', finished.message);
      assert.match(finished.message, /ended 5 sessions/);

      const gates = events.filter((e): e is ConfirmationRequested => e.type === 'confirmation-requested');
      assert.equal(gates.length, 1, 'one gate for the whole loop');
      assert.equal(gates[0]!.items?.length, 5);
      for (const id of beforeIds) assert.ok(gates[0]!.items!.some((i) => i.label.startsWith(`session ${id} ${server.appUser}@`)), `session ${id} is listed`);

      const after = await settle(server, server.appUser, 3);
      assert.equal(after.length, 3, 'only the sessions opened after the gate are left');
      assert.ok(after.every((id) => !beforeIds.includes(id)), 'every listed session ended, no new one did');
      assert.equal(late?.alive(), 3);
      assert.equal(listed.alive(), 0);

      const items = events.filter((e) => e.type === 'item-finished');
      assert.deepEqual(items.map((e) => e.type === 'item-finished' && e.result.status), ['ok', 'ok', 'ok', 'ok', 'ok']);
      const loop = events.find((e) => e.type === 'loop-started');
      assert.ok(loop?.type === 'loop-started');
      assert.deepEqual(loop.items.map((i) => Number((i.value as { id: unknown }).id)), beforeIds);
    });

    it('declining the gate ends none', async () => {
      await releaseAll();
      await hold(4);
      const { finished, events } = await runInProcess(server, 'skip');
      assert.equal(finished.outcome, 'escalate');
      assert.equal((await sessionIds(server, server.appUser)).length, 4);
      assert.ok(!events.some((e) => e.type === 'loop-started' || e.type === 'item-finished'));
    });

    it('--dry-run ends none; the plan lists every session', async () => {
      await releaseAll();
      await hold(4);
      const ids = await sessionIds(server, server.appUser);
      const r = await runCli(['run', killRunbook(), '--plain', '--dry-run', '--input', `url=${server.adminUrl()}`, '--input', `user=${server.appUser}`]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(await sessionIds(server, server.appUser), ids);
      for (const id of ids) assert.match(r.stdout, new RegExp(`\\d+\\. session ${id} ${server.appUser}@`), `session ${id} in the plan`);
      assert.match(r.stdout, /a real run would ask you to confirm:\n {2}- kill: /);
    });

    it('plain mode: the gate text lists every session, then stops unapproved without ending any', async () => {
      await releaseAll();
      await hold(3);
      const ids = await sessionIds(server, server.appUser);
      const transcript = join(dir, `${engine}-unapproved.jsonl`);
      const r = await runCli(['run', killRunbook(), '--plain', '--transcript', transcript, '--input', `url=${server.adminUrl()}`, '--input', `user=${server.appUser}`]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /for each: +3 items:/);
      for (const id of ids) assert.match(r.stdout, new RegExp(`\\d\\. session ${id} ${server.appUser}@\\S+ idle \\d+s {2}params \\[${id}\\]`));
      assert.deepEqual(await sessionIds(server, server.appUser), ids);
      assert.ok(!readFileSync(transcript, 'utf8').includes('"item-finished"'));
    });

    it('a real run through every step kind becomes a case that passes runbook test on the same path (real run and dry run)', async () => {
      const here = mkdtempSync(join(dir, `${engine}-every-`));
      const file = writeEveryKind(here);
      const cases = join(here, 'every.cases.yaml');
      const inputs = ['--input', `url=${server.adminUrl()}`, '--input', `port=${server.port}`, '--input', `state=${here}`];
      const real = await runCli(['run', file, '--plain', '--approve', 'restart', '--transcript', join(here, 'real.jsonl'), ...inputs], { input: EVERY_KIND_ANSWERS });
      assert.equal(real.code, 0, real.stdout + real.stderr);
      assert.match(real.stdout, /n=3 dry=false items ok=2 ticket=INC-1 child=escalate failed=1 deep=replica/);
      const dry = await runCli(['run', file, '--plain', '--dry-run', '--transcript', join(here, 'dry.jsonl'), ...inputs], { input: EVERY_KIND_ANSWERS });
      assert.equal(dry.code, 0, dry.stdout + dry.stderr);
      assert.match(dry.stdout, /n=3 dry=true items ok=2 ticket=INC-1 child=escalate failed=1 deep=replica/);
      for (const t of ['real', 'dry']) {
        const made = await runCli(['test', '--from-transcript', join(here, `${t}.jsonl`), '-o', cases]);
        assert.equal(made.code, 0, made.stdout + made.stderr);
      }
      const written = readFileSync(cases, 'utf8');
      // Per-item results, at the top and inside the called runbook; the calls run again (not scripted).
      assert.match(written, /\n {6}each:\n {8}items:\n {10}- status: ok\n(?: {12}.*\n)* {10}- status: failed\n/);
      assert.match(written, /\n {6}call\/each:\n {8}items:\n/);
      assert.match(written, /\n {6}call\/deeper\/which:\n {8}status: ok\n {8}value: replica\n/);
      assert.doesNotMatch(written, /\n {6}(call|call\/deeper|sizes|call\/half):\n/, 'calls and vars steps are computed again, not scripted');
      const tested = await runCli(['test', file, '--cases', cases, '--no-require-full-coverage']);
      assert.equal(tested.code, 0, tested.stdout + tested.stderr);
      assert.match(tested.stdout, /2 cases: 2 passed, 0 failed/);
      // The same path as the real run: the case's path is the run's, and it passed.
      const taken = (t: string) => readEvents(join(here, `${t}.jsonl`)).filter((e) => e.type === 'branch' && !String(e.from).includes('/')).map((e) => String(e.to));
      assert.deepEqual(taken('real'), ['sizes', 'port', 'up', 'flaky', 'each', 'look', 'ticket', 'call', 'restart', 'done']);
      assert.deepEqual(taken('dry'), taken('real'));
    });

    it('a list longer than max_items fails before ending anything, and asks nothing', async () => {
      await releaseAll();
      await hold(4);
      const ids = await sessionIds(server, server.appUser);
      const transcript = join(dir, `${engine}-max.jsonl`);
      const r = await runCli(['run', killRunbook(3), '--plain', '--yes', '--transcript', transcript, '--input', `url=${server.adminUrl()}`, '--input', `user=${server.appUser}`]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /has 4 items, more than max_items \(3\); nothing was run/);
      assert.deepEqual(await sessionIds(server, server.appUser), ids);
      const text = readFileSync(transcript, 'utf8');
      assert.ok(!text.includes('"confirmation-requested"') && !text.includes('"item-finished"'));
    });

    if (engine === 'mariadb') {
      it("pool-exhausted's KILL QUERY stops only the statement listed: a session that moved on to another one is left alone", async () => {
        await releaseAll();
        const moving = await mysql.createConnection({ uri: server.url() });
        const staying = await mysql.createConnection({ uri: server.url() });
        try {
          const movingId = await connectionId(moving);
          const first = moving.query('SELECT SLEEP(600) AS slept').catch((e: Error) => e);
          const stays = staying.query('SELECT SLEEP(601) AS slept').catch((e: Error) => e);
          await runningQuery(server, movingId, 'SLEEP(600)');
          let second: Promise<unknown> | undefined;
          const { finished, events } = await runLongQueryKill(server, async () => {
            // Between the list and the approval the pooled session's statement ends and it starts another.
            await adminQuery(server, `KILL QUERY ${movingId}`);
            await first;
            second = moving.query('SELECT SLEEP(602) AS slept').catch((e: Error) => e);
            await runningQuery(server, movingId, 'SLEEP(602)');
          });
          assert.equal(finished.outcome, 'escalate', finished.message);
          const items = events.filter((e) => e.type === 'item-finished').map((e) => e.type === 'item-finished' && [e.label.split(' ')[1], e.result.status, e.result.error ?? '']);
          assert.equal(items.length, 2, JSON.stringify(items));
          const moved = items.find((i) => i && i[0] === String(movingId));
          assert.ok(moved && moved[1] === 'failed' && /Unknown query id/i.test(String(moved[2])), `the moved-on session's item: ${JSON.stringify(moved)}`);
          assert.ok(items.some((i) => i && i[0] !== String(movingId) && i[1] === 'ok'), 'the statement that stayed was stopped');
          await stays; // the listed statement that was still running ended (killed)
          assert.ok(await runningQuery(server, movingId, 'SLEEP(602)'), 'the new statement still runs');
          await adminQuery(server, `KILL QUERY ${movingId}`);
          await second;
        } finally {
          await moving.end().catch(() => undefined);
          await staying.end().catch(() => undefined);
        }
      });
    }
  });
}

async function connectionId(c: mysql.Connection): Promise<number> {
  const [rows] = await c.query('SELECT CONNECTION_ID() AS id');
  return Number((rows as { id: number }[])[0]!.id);
}

/** Waits until session `id` runs a statement holding `text` (a hang guard: it starts within milliseconds). */
async function runningQuery(server: LabServer, id: number, text: string): Promise<true> {
  for (let i = 0; i < 300; i++) {
    const rows = await adminQuery(server, 'SELECT INFO AS info FROM information_schema.PROCESSLIST WHERE ID = ?', [id]);
    if (String(rows[0]?.info ?? '').includes(text)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`session ${id} never ran ${text}`);
}

/** pool-exhausted's own long-queries and kill-long-mysql steps, as they are in the built-in runbook, in a runbook
 *  of their own: list every running statement, then (behind the gate, answered after `atGate`) stop each. */
async function runLongQueryKill(server: LabServer, atGate: () => Promise<void>) {
  const pool = readRunbook(join(import.meta.dirname, '..', '..', 'runbooks', 'pool-exhausted.yaml')).runbook!.doc;
  const step = (id: string) => { const { if: _if, on: _on, ...rest } = pool.steps.find((s) => s.id === id)!; return rest; };
  const doc = {
    name: 'long-queries', title: 'Long queries',
    inputs: { url: { required: true, secret: true, type: 'url' }, long_query_minutes: { default: '0' } },
    connections: { db: { url: '${{ inputs.url }}' } },
    steps: [step('long-queries'), { ...step('kill-long-mysql'), on: { error: 'partly' } }, { id: 'done', end: 'resolved' }, { id: 'partly', end: 'escalate' }],
  };
  const file = join(dir, 'long-queries.yaml');
  writeFileSync(file, JSON.stringify(doc));
  const { runbook, diagnostics } = readRunbook(file);
  assert.ok(runbook, JSON.stringify(diagnostics));
  const redactor = new Redactor();
  const { values: inputs } = resolveInputs(runbook.doc, { url: server.adminUrl() }, {}, redactor);
  const executors = createExecutors();
  const run = new Run({ runbook, inputs, redactor, executors, operator: 'tester' });
  const events: RunEvent[] = [];
  run.on((e) => {
    events.push(e);
    if (e.type === 'confirmation-requested') void atGate().then(() => run.confirm(e.stepId, 'yes'));
  });
  try {
    return { finished: await run.start(), events };
  } finally {
    await executors.close();
  }
}
