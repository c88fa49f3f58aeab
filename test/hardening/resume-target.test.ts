// Never on another target, never twice, on real servers (PostgreSQL and MariaDB from the lab):
// - a run started on lab server A, killed mid-run, resumed with DATABASE_URL naming server B. Refused, both
//   servers named (one line each, no password); --retarget does not go with --yes; with --retarget the run
//   continues on B and asks again at its destructive step;
// - kill -9 of the engine while a slow destructive UPDATE runs on the server: the server does not commit it
//   (COMMIT is a message of its own, sent after the result); the server session was recorded before the
//   statement, and resume refuses while it still runs (or waits, --wait-for-orphans); the row changes once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { serverStartSql } from '../../src/db/mysql-session.js';
import { schemaProblems } from '../helpers/transcript-schema.js';
import { join } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { procStat } from '../../src/executors/supervise.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, transcriptLines, until, writeRunbook, type Line } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const RUNBOOK = `name: retarget
title: Started on one server, resumed on another
inputs:
  url: { required: true, secret: true, type: url, env: DATABASE_URL }
  out: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: look
    sql: { query: "SELECT 1 AS one" }
  - id: slow
    destructive: false
    safe_because: writes only the test's own marker file
    shell: |
      echo slow >> \${{ inputs.out }}
      sleep \${PAUSE:-120}
  - id: mark
    destructive: true
    sql: { query: "CREATE TABLE resumed_here (id int)" }
  - id: done
    end: resolved
    message: marked
`;

const servers: Partial<Record<'postgres' | 'mariadb', [LabServer, LabServer]>> = {};
before(async () => {
  const [a, b, c, d] = await Promise.all([startPostgres(), startPostgres(), startMariadb(), startMariadb()]);
  servers.postgres = [a, b];
  servers.mariadb = [c, d];
});
after(async () => { await Promise.all(Object.values(servers).flat().map((s) => s.stop())); });

/** Each engine's cases, registered in order below; the two engines' run side by side (at the end of the file):
 *  they share no server, and most of a case is waiting (a statement sleeping on the server, resumes polling).
 *  One engine's cases run one at a time, in order (concurrency 1: a describe takes its parent's otherwise). */
const cases: Record<'postgres' | 'mariadb', (() => void)[]> = { postgres: [], mariadb: [] };

const groupAlive = (pgid: number) => readdirSync('/proc').some((p) => { const st = /^\d+$/.test(p) ? procStat(p) : undefined; return st?.pgid === pgid && st.state !== 'Z'; });
const hasTable = async (s: LabServer) => (await adminQuery(s, s.engine === 'postgres'
  ? "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'resumed_here'"
  : `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'resumed_here' AND table_schema = '${s.database}'`))[0]!.n;

for (const engine of ['postgres', 'mariadb'] as const) {
  cases[engine].push(() => test(`${engine}: resumed with DATABASE_URL naming another server: refused with both named; --retarget continues there and asks again`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const [a, b] = servers[engine]!;
    const dir = scratch(t);
    const out = join(dir, 'out');
    const runbook = writeRunbook(dir, 'retarget', RUNBOOK);
    const transcript = join(dir, 't.jsonl');
    const run = cli(['run', runbook, '--plain', '--yes', '--transcript', transcript, '--input', `out=${out}`], { env: { DATABASE_URL: a.url() } });
    await until(() => { try { return readFileSync(out, 'utf8').includes('slow'); } catch { return false; } }, 60_000, 'the slow step');
    // The step-process line is written right after the spawn; under load the script can print first.
    await until(() => transcriptLines(transcript).some((l) => l.type === 'step-process' && l.stepId === 'slow'), 60_000, 'the slow step\'s process line');
    run.child.kill('SIGKILL');
    await run;
    const group = transcriptLines(transcript).find((l) => l.type === 'step-process' && l.stepId === 'slow') as unknown as { pgid: number } | undefined;
    assert.ok(group, `the slow step's process group is recorded: ${transcriptLines(transcript).map((l) => `${l.type}:${String(l.stepId)}`).join(' ')}`);
    await until(() => !groupAlive(group.pgid), 30_000, 'the killed step\'s group to die');

    const seen = transcriptLines(transcript).filter((l) => l.type === 'target-identified') as (Line & { connection: string; target: Record<string, unknown> })[];
    const recorded = seen.find((l) => l.connection === 'db')!;
    assert.equal(recorded.target.port, a.port);
    assert.match(String(recorded.target.server), engine === 'postgres' ? /^system_identifier \d+ at 127\.0\.0\.1:\d+$/ : /^hostname .* port \d+ datadir \//);
    assert.ok(seen.some((l) => l.connection === '$host'), 'the host of the shell steps is recorded too');

    const size = readFileSync(transcript).length;
    const refused = await cli(['resume', transcript, '--plain', '--yes'], { env: { DATABASE_URL: b.url(), PAUSE: '0' } });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /another target answers now/);
    const name = engine === 'postgres' ? 'PostgreSQL' : 'MariaDB';
    assert.match(refused.stderr, new RegExp(`\\n    recorded: ${name} ${a.appUser}@127\\.0\\.0\\.1:${a.port}/${a.database}, .*\\n    now:      ${name} ${b.appUser}@127\\.0\\.0\\.1:${b.port}/${b.database}, `));
    assert.ok(!refused.stderr.includes(a.appPassword) && !refused.stderr.includes(b.appPassword), 'no password shown');
    assert.equal(readFileSync(transcript).length, size, 'the transcript is untouched');
    assert.equal(readFileSync(out, 'utf8').trim(), 'slow', 'nothing ran');

    const withYes = await cli(['resume', transcript, '--plain', '--yes', '--retarget'], { env: { DATABASE_URL: b.url(), PAUSE: '0' } });
    assert.equal(withYes.code, 2);
    assert.match(withYes.stderr, /--retarget .* does not go with --yes/);

    const retargeted = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'slow', '--approve', 'mark'], { env: { DATABASE_URL: b.url(), PAUSE: '0' } });
    assert.equal(retargeted.code, 0, retargeted.stderr + retargeted.stdout);
    assert.match(retargeted.stderr, /--retarget: continuing on another target/);
    const tail = transcriptLines(transcript).slice(transcriptLines(transcript).findIndex((l) => l.type === 'resumed'));
    assert.ok(tail.some((l) => l.type === 'confirmation-requested' && l.stepId === 'mark'), 'the destructive step asked again');
    const now = tail.find((l) => l.type === 'target-identified' && (l as { connection?: string }).connection === 'db') as unknown as { target: { port: number } };
    assert.equal(now.target.port, b.port, 'the new target is recorded for the next resume');
    assert.deepEqual([Number(await hasTable(a)), Number(await hasTable(b))], [0, 1], 'the destructive step ran on B only');
  }));
}

const KILL_RUNBOOK = `name: bump
title: A slow destructive UPDATE
inputs:
  url: { required: true, secret: true, type: url, env: DATABASE_URL }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: bump
    destructive: true
    sql:
      query:
        # The server is kept from noticing the dead client mid-statement (as PostgreSQL before 14 never does, and
        # a statement that ends before the next check): what is tested is that it ends uncommitted regardless.
        postgres: "SET LOCAL client_connection_check_interval = 0; UPDATE acct_kill SET n = n + 1 FROM (SELECT pg_sleep(4)) AS s"
        mysql: "UPDATE acct_kill SET n = n + 1 WHERE SLEEP(4) = 0"
  - id: done
    end: resolved
    message: bumped
`;

/** Sessions on `s` whose statement text contains `text` (not this admin one). */
const running = async (s: LabServer, text: string) => Number((await adminQuery(s, s.engine === 'postgres'
  ? `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%${text}%' AND state = 'active' AND pid <> pg_backend_pid()`
  : `SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE '%${text}%' AND ID <> CONNECTION_ID()`))[0]!.n);
const sessionAlive = async (s: LabServer, backend: number) => Number((await adminQuery(s, s.engine === 'postgres'
  ? `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${backend}`
  : `SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ${backend}`))[0]!.n) > 0;
const counter = async (s: LabServer) => Number((await adminQuery(s, `SELECT n FROM ${s.engine === 'postgres' ? '' : `${s.database}.`}acct_kill`))[0]!.n);

/** An application session that sleeps on the server: stands in for a statement the killed engine left running. */
async function sleeper(s: LabServer): Promise<{ backend: number; started: string; stop(): Promise<void> }> {
  if (s.engine === 'postgres') {
    const c = new pg.Client({ connectionString: s.url() });
    c.on('error', () => undefined);
    await c.connect();
    const row = (await c.query("SELECT pg_backend_pid() AS pid, extract(epoch FROM backend_start)::text AS started FROM pg_stat_activity WHERE pid = pg_backend_pid()")).rows[0] as { pid: number; started: string };
    void c.query('SELECT pg_sleep(600)').catch(() => undefined);
    return { backend: row.pid, started: row.started, stop: async () => { await adminQuery(s, `SELECT pg_terminate_backend(${row.pid})`); await c.end().catch(() => undefined); } };
  }
  const c = await mysql.createConnection({ uri: s.url() });
  c.on('error', () => undefined);
  const [rows] = await c.query(serverStartSql('mariadb'));
  const started = String((rows as { started: unknown }[])[0]!.started);
  void c.query('SELECT SLEEP(600)').catch(() => undefined);
  return { backend: c.threadId, started, stop: async () => { await adminQuery(s, `KILL ${c.threadId}`); c.destroy(); } };
}

for (const engine of ['postgres', 'mariadb'] as const) {
  cases[engine].push(() => test(`${engine}: kill -9 during a slow destructive UPDATE: the server does not commit it; resume refuses while its session runs, waits with --wait-for-orphans; the row changes once`, { timeout: 300_000 }, async (t) => {
    const [a] = servers[engine]!;
    await adminQuery(a, engine === 'postgres'
      ? `DROP TABLE IF EXISTS acct_kill; CREATE TABLE acct_kill (n int); INSERT INTO acct_kill VALUES (0); GRANT ALL ON acct_kill TO ${a.appUser}`
      : `CREATE OR REPLACE TABLE ${a.database}.acct_kill (n int)`);
    if (engine === 'mariadb') await adminQuery(a, `INSERT INTO ${a.database}.acct_kill VALUES (0)`);
    const dir = scratch(t);
    const runbook = writeRunbook(dir, 'bump', KILL_RUNBOOK);
    const transcript = join(dir, 't.jsonl');
    const run = cli(['run', runbook, '--plain', '--yes', '--transcript', transcript], { env: { DATABASE_URL: a.url() } });
    await until(async () => (await running(a, 'UPDATE acct_kill')) > 0, 60_000, 'the UPDATE to run on the server');
    run.child.kill('SIGKILL');
    await run;
    const recorded = transcriptLines(transcript).find((l) => l.type === 'step-session') as unknown as { stepId: string; session: { engine: string; backend: number; started: string; server: string } } | undefined;
    assert.ok(recorded, 'the server session was recorded before the statement was sent');
    assert.equal(recorded.stepId, 'bump');
    assert.equal(recorded.session.engine, engine);
    // Hang guard (the UPDATE takes 4 s; PostgreSQL notices the dead client within 1 s): 60 s.
    await until(async () => !(await sessionAlive(a, recorded.session.backend)), 60_000, 'the killed engine\'s server session to end');
    assert.equal(await counter(a), 0, 'the server did not commit the statement after its client died');

    // Stand in for a session the killed engine left running (a statement that would not end soon).
    const survivor = await sleeper(a);
    t.after(() => survivor.stop().catch(() => undefined));
    const text = readFileSync(transcript, 'utf8').split('\n').map((l) => {
      if (!l.includes('"step-session"')) return l;
      const line = JSON.parse(l) as { session: Record<string, unknown> };
      return JSON.stringify({ ...line, session: { ...line.session, backend: survivor.backend, started: survivor.started } });
    }).join('\n');
    writeFileSync(transcript, text);
    const refused = await cli(['resume', transcript, '--plain', '--yes'], { env: { DATABASE_URL: a.url() } });
    assert.equal(refused.code, 2, refused.stderr + refused.stdout);
    const name = engine === 'postgres' ? 'PostgreSQL backend' : 'MariaDB connection';
    assert.match(refused.stderr, new RegExp(`refusing to resume: the interrupted run's statement still runs on the server for connection 'db': ${name} ${survivor.backend} `));
    assert.match(refused.stderr, /--wait-for-orphans/);
    assert.equal(refused.stderr.trim().split('\n').length, 1, 'one line');
    assert.ok(!refused.stderr.includes(a.appPassword));
    assert.equal(readFileSync(transcript, 'utf8'), text, 'the transcript is untouched');

    const waiting = cli(['resume', transcript, '--plain', '--yes', '--wait-for-orphans'], { env: { DATABASE_URL: a.url() } });
    let said = '';
    waiting.child.stderr.on('data', (d: Buffer) => { said += d.toString(); });
    await until(() => said.includes("waiting for the interrupted run's statement to end on the server"), 60_000, 'resume to say it waits');
    assert.equal(await counter(a), 0, 'nothing ran while it waited');
    await survivor.stop();
    const done = await waiting;
    assert.equal(done.code, 0, done.stderr + done.stdout);
    assert.equal(await counter(a), 1, 'the row changed exactly once');
    const after = transcriptLines(transcript);
    assert.equal(after.filter((l) => l.type === 'step-session').length, 2, 'the resumed statement\'s session is recorded too');
    const checked = schemaProblems(transcript);
    assert.deepEqual(checked.problems, [], 'every line validates against the published schema');
    assert.ok(checked.types.has('step-session') && checked.types.has('connection-addresses'));
  }));
}

const ENV_TOP = `name: envcreds
title: Credentials from an env file, resumed on another server
inputs:
  url: { required: true, secret: true, type: url, env: DATABASE_URL }
  out: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: look
    sql: { query: "SELECT 1 AS one" }
  - id: slow
    destructive: false
    safe_because: writes only the test's own marker file
    shell: |
      echo slow >> \${{ inputs.out }}
      sleep \${PAUSE:-120}
  - id: wipe
    destructive: true
    sql: { query: "CREATE TABLE wiped_top (id int)" }
  - id: done
    end: resolved
`;

/** The same inside a called runbook: its connection is compared at first contact, not before the first step. */
const ENV_CALLER = `name: envcaller
title: Calls a runbook with its own connection
inputs:
  url: { required: true, secret: true, type: url, env: DATABASE_URL }
  out: { required: true }
steps:
  - id: call
    runbook: { name: ./envinner.yaml, inputs: { url: "\${{ inputs.url }}", out: "\${{ inputs.out }}" } }
  - id: done
    end: resolved
`;
const ENV_INNER = ENV_TOP.replace('name: envcreds', 'name: envinner').replace('wiped_top', 'wiped_inner').replace('env: DATABASE_URL', '');

const noPassword = (url: string) => { const u = new URL(url); u.password = ''; return u.toString(); };
const CLEAN_CREDS = { PGPASSWORD: '', PGUSER: '', MYSQL_PWD: '', PGDATABASE: '' };

/** Runs `runbook` on `s` with its password in an env file, killed (-9) once `slow` runs. */
async function killedAtSlow(dir: string, runbook: string, s: LabServer, envFile: string, name: string): Promise<{ transcript: string; out: string }> {
  const transcript = join(dir, `${name}.jsonl`);
  const out = join(dir, `${name}.out`);
  const run = cli(['run', runbook, '--plain', '--yes', '--env-file', envFile, '--transcript', transcript, '--input', `out=${out}`],
    { env: { ...CLEAN_CREDS, DATABASE_URL: noPassword(s.url()) } });
  // Both: the step-process line is written right after the spawn, and under load the script can print first.
  await until(() => { try { return readFileSync(out, 'utf8').includes('slow'); } catch { return false; } }, 60_000, 'the slow step');
  await until(() => transcriptLines(transcript).some((l) => l.type === 'step-process' && String(l.stepId).endsWith('slow')), 60_000, 'the slow step\'s process line');
  run.child.kill('SIGKILL');
  await run;
  const group = transcriptLines(transcript).find((l) => l.type === 'step-process') as unknown as { pgid: number };
  await until(() => !groupAlive(group.pgid), 30_000, 'the killed step\'s group to die');
  return { transcript, out };
}

const hasTableNamed = async (s: LabServer, table: string) => Number((await adminQuery(s, s.engine === 'postgres'
  ? `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = '${table}'`
  : `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = '${table}' AND table_schema = '${s.database}'`))[0]!.n);

for (const engine of ['postgres', 'mariadb'] as const) {
  cases[engine].push(() => test(`${engine}: the password in --env-file: resume's target check connects with it; an environment naming another server is refused before anything runs, and --retarget continues and asks again`, { timeout: 300_000 }, async (t) => {
    const [a, b] = servers[engine]!;
    const dir = scratch(t);
    const variable = engine === 'postgres' ? 'PGPASSWORD' : 'MYSQL_PWD';
    const envA = join(dir, 'envA');
    const envB = join(dir, 'envB');
    writeFileSync(envA, `${variable}=${a.appPassword}\n`);
    writeFileSync(envB, `${variable}=${b.appPassword}\n`);
    const identity = engine === 'postgres' ? /system_identifier \d+/ : /hostname .* datadir/;

    // Before the first step: the check reaches B with the env file's password and names who answers there.
    const top = await killedAtSlow(dir, writeRunbook(dir, 'envtop', ENV_TOP), a, envA, 'top');
    const size = readFileSync(top.transcript).length;
    const refused = await cli(['resume', top.transcript, '--plain', '--yes', '--env-file', envB], { env: { ...CLEAN_CREDS, DATABASE_URL: noPassword(b.url()), PAUSE: '0' } });
    assert.equal(refused.code, 2, refused.stderr + refused.stdout);
    const now = /\n {4}now: {6}(.*)\n/.exec(refused.stderr)?.[1] ?? '';
    assert.match(now, new RegExp(`:${b.port}/`));
    assert.match(now, identity, 'B was reached (with the env file\'s password) and named by its identity');
    assert.ok(!refused.stderr.includes(b.appPassword) && !refused.stderr.includes(a.appPassword));
    assert.equal(readFileSync(top.transcript).length, size, 'the transcript is untouched');
    assert.equal(readFileSync(top.out, 'utf8').trim(), 'slow', '`slow` did not run again');
    // Without the password the check cannot connect: it says so, and leaves the comparison to first contact.
    const same = await cli(['resume', top.transcript, '--plain', '--yes'], { env: { ...CLEAN_CREDS, DATABASE_URL: noPassword(a.url()), PAUSE: '0' } });
    assert.match(same.stderr, /cannot reach connection 'db' to check it before resuming \(.*\); it is checked when the run first reaches it, before anything is sent there/);

    // A called runbook's connection: the environment that names its server changed (DATABASE_URL leads to B), so
    // the resume is refused before anything runs (issue #46), as a declared connection's change is; nothing was sent.
    writeRunbook(dir, 'envinner', ENV_INNER);
    const nested = await killedAtSlow(dir, writeRunbook(dir, 'envcaller', ENV_CALLER), a, envA, 'nested');
    const nestedSize = readFileSync(nested.transcript).length;
    const lines = transcriptLines(nested.transcript);
    const stopped = await cli(['resume', nested.transcript, '--plain', '--yes', '--env-file', envB], { env: { ...CLEAN_CREDS, DATABASE_URL: noPassword(b.url()), PAUSE: '0' } });
    assert.equal(stopped.code, 2, stopped.stderr + stopped.stdout);
    assert.match(stopped.stderr, /refusing to resume: .*DATABASE_URL named \S+ when the run started, and names \S+ now/);
    assert.equal(readFileSync(nested.transcript).length, nestedSize, 'the transcript is untouched');
    assert.deepEqual([await hasTableNamed(a, 'wiped_inner'), await hasTableNamed(b, 'wiped_inner')], [0, 0], 'nothing was sent');

    const retargeted = await cli(['resume', nested.transcript, '--plain', '--retarget', '--approve', 'call/slow', '--approve', 'call/wipe', '--env-file', envB],
      { env: { ...CLEAN_CREDS, DATABASE_URL: noPassword(b.url()), PAUSE: '0' } });
    assert.equal(retargeted.code, 0, retargeted.stderr + retargeted.stdout);
    const tail = transcriptLines(nested.transcript).slice(lines.length);
    assert.ok(tail.some((l) => l.type === 'confirmation-requested' && l.stepId === 'call/wipe'), 'the destructive step asked again');
    assert.deepEqual([await hasTableNamed(a, 'wiped_inner'), await hasTableNamed(b, 'wiped_inner')], [0, 1], 'it ran on B, once');
  }));
}

const TWO_CONNECTIONS = `name: two
title: Two connections, one reached before the crash
inputs:
  url: { required: true, secret: true, type: url, env: DATABASE_URL }
  later: { required: true, secret: true, type: url }
  out: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
  later: { url: "\${{ inputs.later }}" }
steps:
  - id: look
    sql: { connection: db, query: "SELECT 1 AS one" }
  - id: slow
    destructive: false
    safe_because: writes only the test's own marker file
    shell: |
      echo slow >> \${{ inputs.out }}
      sleep \${PAUSE:-120}
  - id: use
    sql: { connection: later, query: "SELECT 2 AS two" }
  - id: done
    end: resolved
`;

for (const engine of ['postgres', 'mariadb'] as const) {
  cases[engine].push(() => test(`${engine}: the address is part of the target: a connection never reached is compared with where it led at run start; the same server under another host name is refused until --retarget`, { timeout: 300_000 }, async (t) => {
    const [a, b] = servers[engine]!;
    const dir = scratch(t);
    const out = join(dir, 'out');
    const runbook = writeRunbook(dir, 'two', TWO_CONNECTIONS);
    const transcript = join(dir, 't.jsonl');
    const run = cli(['run', runbook, '--plain', '--yes', '--transcript', transcript, '-i', `out=${out}`, '-i', `later=${a.url()}`], { env: { DATABASE_URL: a.url() } });
    await until(() => { try { return readFileSync(out, 'utf8').includes('slow'); } catch { return false; } }, 60_000, 'the slow step');
    await until(() => transcriptLines(transcript).some((l) => l.type === 'step-process' && l.stepId === 'slow'), 60_000, 'the slow step\'s process line');
    run.child.kill('SIGKILL');
    await run;
    const group = transcriptLines(transcript).find((l) => l.type === 'step-process') as unknown as { pgid: number };
    await until(() => !groupAlive(group.pgid), 30_000, 'the killed step\'s group to die');
    const lines = transcriptLines(transcript);
    assert.ok(!lines.some((l) => l.type === 'target-identified' && (l as { connection?: string }).connection === 'later'), '`later` was never reached');
    const addresses = lines.find((l) => l.type === 'connection-addresses') as unknown as { connections: Record<string, { port: number; host: string; user: string; database: string }> };
    assert.deepEqual(addresses.connections.later, { engine: engine === 'postgres' ? 'postgres' : 'mysql', host: '127.0.0.1', port: a.port, database: a.database, user: a.appUser },
      'where every connection leads is recorded as the run starts');
    const size = readFileSync(transcript).length;

    const never = await cli(['resume', transcript, '--plain', '--yes', '-i', `later=${b.url()}`], { env: { DATABASE_URL: a.url(), PAUSE: '0' } });
    assert.equal(never.code, 2, never.stderr + never.stdout);
    assert.match(never.stderr, new RegExp(`connection 'later':\\n    recorded: \\S+ ${a.appUser}@127\\.0\\.0\\.1:${a.port}/${a.database}\\n    now:      \\S+ ${b.appUser}@127\\.0\\.0\\.1:${b.port}/`));
    assert.doesNotMatch(never.stderr, /connection 'db'/, 'db still leads where it did');

    // The same server, reached under another name for its address: what an identical copy elsewhere would look like.
    const alias = (url: string) => url.replace('@127.0.0.1:', '@127.1:');
    const renamed = await cli(['resume', transcript, '--plain', '--yes', '-i', `later=${alias(a.url())}`], { env: { DATABASE_URL: alias(a.url()), PAUSE: '0' } });
    assert.equal(renamed.code, 2, renamed.stderr + renamed.stdout);
    assert.match(renamed.stderr, new RegExp(`connection 'db':\\n    recorded: \\S+ ${a.appUser}@127\\.0\\.0\\.1:${a.port}/${a.database}, .*\\n    now:      \\S+ ${a.appUser}@127\\.1:${a.port}/${a.database}, `));
    assert.equal(readFileSync(transcript).length, size, 'the transcript is untouched');
    assert.equal(readFileSync(out, 'utf8').trim(), 'slow', 'nothing ran');

    const moved = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'slow', '-i', `later=${alias(a.url())}`], { env: { DATABASE_URL: alias(a.url()), PAUSE: '0' } });
    assert.equal(moved.code, 0, moved.stderr + moved.stdout);
    assert.match(moved.stderr, /--retarget: continuing on another target/);
    const tail = transcriptLines(transcript).slice(lines.length);
    const now = tail.find((l) => l.type === 'connection-addresses') as unknown as { connections: Record<string, { host: string }> };
    assert.equal(now.connections.db!.host, '127.1', 'the new addresses are recorded for the next resume');
  }));
}

describe('on both engines at once', { concurrency: true }, () => {
  for (const engine of ['postgres', 'mariadb'] as const) describe(engine, { concurrency: 1 }, () => { for (const register of cases[engine]) register(); });
});
