// Never on another target, in time: a run lists sessions on a server and is cut at its destructive for_each
// (KILL CONNECTION <id> for each); the server restarts before the resume. Its identity is the same (MariaDB:
// hostname, port, datadir; PostgreSQL: system_identifier and address), so the resume went on, and the recorded
// list was acted on: MariaDB numbers connections from 1 again after a restart, so the id the run listed (a
// session that was idle for ten minutes) was now an application connection that had just logged in, and the
// resume killed it. The server's start is part of what a resume compares: a restart since the run last reached
// the server is refused like another server (--retarget asks again at every destructive step). The run's own
// contacts after a restart it saw (or made) are recorded again, so a later resume compares with those.
// Generated over the ways the run reaches the cut (every line from the list's record to the kill's gate) on
// the lab's MariaDB, restarted with its own datadir.
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { labServerInfo } from '../../src/lab/lab-server.js';
import { spawnServer, type ServerProcess } from '../../src/lab/server-process.js';
import { serverUser } from '../../src/lab/run-as.js';
import { cli, scratch, until, writeRunbook } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const RUNBOOK = `name: restarted
title: Sessions listed, then killed
inputs:
  url: { required: true, secret: true, type: url, env: DATABASE_URL }
  victim: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: list
    sql: { query: "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID = ?", params: ["\${{ inputs.victim }}"] }
    capture: idle
  - id: end
    destructive: true
    for_each: { in: idle.rows, as: s, label: "id \${{ s.id }}" }
    sql: { query: { mysql: "KILL CONNECTION ?" }, params: ["\${{ s.id }}"] }
    on: { skipped: kept, error: kept }
  - id: done
    end: resolved
    message: ended
  - id: kept
    end: escalate
    message: not ended
`;

let server: LabServer;
let restarted: ServerProcess | undefined;
before(async () => { server = await startMariadb(); });
after(async () => { await restarted?.stop(); await server.stop(); });

const pidFile = () => join(labServerInfo(server)!.dir, 'mysqld.pid');

/** kill -9 the server and start it again on its own datadir, port and flags: the same server, a new run of it.
 *  Its start is read in whole seconds (now less uptime): the new run starts at least two seconds later. */
async function restart(): Promise<void> {
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: server.superuser, password: server.superPassword });
  const [rows] = await admin.query("SELECT UNIX_TIMESTAMP() - VARIABLE_VALUE AS s FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'");
  await admin.end();
  const started = Number((rows as { s: number }[])[0]!.s);
  await until(() => Date.now() / 1000 > started + 2.5, 10_000, 'two seconds of uptime');
  const pid = Number(readFileSync(pidFile(), 'utf8').trim());
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const old = restarted;
  if (old) await old.stop('SIGKILL'); else process.kill(pid, 'SIGKILL');
  await until(() => { try { readFileSync(`/proc/${pid}/cmdline`); return false; } catch { return true; } }, 30_000, 'the server to die');
  restarted = await spawnServer({ label: 'MariaDB again', cmd: argv[0]!, args: argv.slice(1), user: serverUser('mariadb'), readyPattern: /ready for connections/, stopSignal: 'SIGKILL' });
}

const connect = () => mysql.createConnection({ host: server.host, port: server.port, user: server.appUser, password: server.appPassword, database: server.database });

/** An application connection with the id `id`, opened after the restart (ids count up from 1 again). */
async function connectionWithId(id: number): Promise<mysql.Connection> {
  for (;;) {
    const c = await connect();
    const [rows] = await c.query('SELECT CONNECTION_ID() AS id');
    const got = Number((rows as { id: number }[])[0]!.id);
    if (got === id) return c;
    await c.end();
    if (got > id) throw new Error(`connection ids after the restart passed ${id} (at ${got}): the test cannot make one with that id`);
  }
}

test('MariaDB restarted between the cut and the resume: the listed connection id is not killed on the new run of the server', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
  const dir = scratch(t);
  const runbook = writeRunbook(dir, 'restarted', RUNBOOK);
  // The session the run lists and ends: idle, given an id well past what a fresh server's own threads take.
  const spare = await Promise.all(Array.from({ length: 12 }, () => connect()));
  const victim = await connect();
  const [rows] = await victim.query('SELECT CONNECTION_ID() AS id');
  const id = Number((rows as { id: number }[])[0]!.id);
  await Promise.all(spare.map((c) => c.end()));
  const full = join(dir, 'full.jsonl');
  const r = await cli(['run', runbook, '--plain', '--yes', '--transcript', full, '--input', `victim=${id}`], { env: { DATABASE_URL: server.url() } });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  await victim.end().catch(() => undefined); // killed by the run
  const text = readFileSync(full, 'utf8').trimEnd().split('\n');
  const lines = text.map((l) => JSON.parse(l) as { type: string; stepId?: string });
  const from = lines.findIndex((l) => l.type === 'step-finished' && l.stepId === 'list') + 1;
  const gate = lines.findIndex((l) => l.type === 'confirmation-requested' && l.stepId === 'end') + 1;
  assert.ok(from > 0 && gate >= from, `list finished at ${from}, the gate at ${gate}`);
  assert.match(text.join('\n'), /"started":"\d+"/, 'the server\'s start is recorded with its identity');

  for (let k = from; k <= gate; k++) {
    const cut = join(dir, `cut-${k}.jsonl`);
    writeFileSync(cut, `${text.slice(0, k).join('\n').replace(/"runId":"[^"]+"/, `"runId":"${randomUUID()}"`)}\n`);
    await restart();
    const app = await connectionWithId(id); // the application's, just logged in
    try {
      const res = await cli(['resume', cut, '--plain', '--yes'], { env: { DATABASE_URL: server.url() } });
      const alive = await app.query('SELECT 1 AS one').then(() => true, () => false);
      assert.equal(alive, true, `cut after line ${k}: the resume killed connection ${id}, now an application connection on the restarted server\n${res.stderr}${res.stdout}`);
      assert.equal(res.code, 2, `cut after line ${k}: ${res.stderr}${res.stdout}`);
      assert.match(res.stderr, /restarted since the run last reached it/);
      assert.match(res.stderr, /refusing to resume/);
      assert.equal(readFileSync(cut, 'utf8').trimEnd().split('\n').length, k, 'the transcript is untouched');
    } finally {
      await app.end().catch(() => undefined);
    }
  }
});
