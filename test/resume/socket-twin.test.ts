// Two copies of one data directory share PostgreSQL's system_identifier (probes of stop 68: two servers from one
// template, reached through a socket path moved from one to the other between kill -9 and resume). The server's
// start time told them apart only to the second, with a second's grace, so two started in the same second were
// taken for one and the resumed write landed on the other; with pg_postmaster_start_time() revoked, no start time
// was read and the two passed for one; MariaDB's start has whole seconds only. Now PostgreSQL's start is compared
// to the microsecond, a start that cannot be read is not a match, and a socket's file (device and inode) must be
// the one the run reached: the resume is refused, nothing is written on the other.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sameLifetime } from '../../src/executors/fingerprint.js';
import { labServerInfo, startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, until } from '../transcript/helpers.js';

it('the same server process: PostgreSQL\'s start to the microsecond, whole seconds (MariaDB, older records) within one, an unread start no match, the same socket file', () => {
  const at = (started: string) => ({ engine: 'postgres' as const, host: 'h', server: 's', started });
  assert.equal(sameLifetime(at('1764250000.123456'), at('1764250000.123456')), true);
  assert.equal(sameLifetime(at('1764250000.123456'), at('1764250000.654321')), false);
  assert.equal(sameLifetime(at('1764250000'), at('1764250001')), true);
  assert.equal(sameLifetime(at('1764250000'), at('1764250000.5')), true);
  // A start that could not be read is no match across an interruption; within a run it counts as the same.
  const unread = { engine: 'postgres' as const, host: 'h', server: 's' };
  assert.equal(sameLifetime(unread, unread), false);
  assert.equal(sameLifetime(unread, unread, true), true);
  // Through a socket, the socket's file must be the one the run reached (MariaDB's start has whole seconds only).
  const via = (socket: string) => ({ engine: 'mariadb' as const, host: '/run/mysqld/mysqld.sock', server: 's', started: '1764250000', socket });
  assert.equal(sameLifetime(via('2049:17'), via('2049:17')), true);
  assert.equal(sameLifetime(via('2049:17'), via('2049:18')), false);
});

/** A run on `a` through a socket path, killed in its wait step; the path moved to `b`; resumed. */
async function movedAndResumed(t: Parameters<typeof scratch>[0], a: LabServer, b: LabServer, socketOf: (s: LabServer) => string, name: string, url: (path: string) => string) {
  const dir = scratch(t);
  const sockets = join(dir, 'sock');
  mkdirSync(sockets);
  const link = (s: LabServer) => {
    const tmp = join(dir, 'next');
    symlinkSync(socketOf(s), tmp);
    renameSync(tmp, join(sockets, name));
  };
  link(a);
  const go = join(dir, 'go');
  const rb = join(dir, 'twin.yaml');
  writeFileSync(rb, `name: twin
title: Writes, waits, writes
connections:
  db: { url: "${url(join(sockets, name))}" }
steps:
  - id: first
    destructive: true
    sql: { query: "INSERT INTO hits (step) VALUES ('first')" }
  - id: wait
    destructive: false
    safe_because: waits for the test's go file, and reads nothing else
    shell: while [ ! -e ${go} ]; do sleep 0.1; done
  - id: second
    destructive: true
    sql: { query: "INSERT INTO hits (step) VALUES ('second')" }
  - { id: done, end: resolved, message: done }
`);
  const transcript = join(dir, 't.jsonl');
  const run = cli(['run', rb, '--plain', '--yes', '--transcript', transcript], { cwd: dir });
  await until(async () => (await hits(a)).includes('first'), 60_000, 'the first write', 100).catch(async (e: Error) => { run.kill('SIGKILL'); const r = await run; throw new Error(`${e.message}: ${r.stdout}${r.stderr}`); });
  await new Promise((r) => setTimeout(r, 300)); // into the wait step
  run.kill('SIGKILL');
  await run;
  writeFileSync(go, '');
  link(b);
  const resumed = await cli(['resume', transcript, '--plain', '--yes'], { cwd: dir });
  assert.notEqual(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.deepEqual(await hits(b), [], 'nothing written on the copy');
  assert.deepEqual(await hits(a), ['first'], 'the first write once, on the first server');
  return resumed.stdout + resumed.stderr;
}

const hits = async (s: LabServer) => (await adminQuery(s, 'SELECT step FROM hits ORDER BY step')).map((r) => r.step);

describe('resume through a socket path moved to a copy of the server', () => {
  let a: LabServer, b: LabServer, c: LabServer, d: LabServer;
  before(async () => {
    [a, b, c, d] = await Promise.all([startPostgres({ postgresVersion: 'system' }), startPostgres({ postgresVersion: 'system' }), startMariadb(), startMariadb()]);
    for (const s of [a, b]) await adminQuery(s, `CREATE TABLE public.hits (step text); GRANT INSERT, SELECT ON public.hits TO ${s.appUser}`);
    for (const s of [c, d]) {
      await adminQuery(s, `CREATE TABLE ${s.database}.hits (step VARCHAR(20))`);
      await adminQuery(s, `GRANT INSERT, SELECT ON ${s.database}.hits TO '${s.appUser}'@'%'`);
    }
  });
  after(async () => { await Promise.all([a, b, c, d].map((s) => s?.stop())); });
  const pgSocket = (s: LabServer) => join(labServerInfo(s)!.dir, `.s.PGSQL.${s.port}`);
  const pgUrl = (s: LabServer) => (path: string) => `postgres://${s.appUser}:${encodeURIComponent(s.appPassword)}@/${s.database}?host=${dirname(path)}&port=${/\.(\d+)$/.exec(basename(path))?.[1] ?? '5432'}`;

  it('PostgreSQL, the same system_identifier, started the same second: refused, nothing written on the copy', async (t) => {
    const id = async (s: LabServer) => (await adminQuery(s, 'SELECT system_identifier::text AS id FROM pg_control_system()'))[0]?.id;
    assert.equal(await id(a), await id(b), 'the two lab servers are copies of one data directory');
    const said = await movedAndResumed(t, a, b, pgSocket, '.s.PGSQL.5555', pgUrl(a));
    assert.match(said, /restarted|another socket file|another target/);
  });

  it('PostgreSQL with pg_postmaster_start_time() revoked from PUBLIC: the start cannot be told, so the resume is refused', async (t) => {
    for (const s of [a, b]) await adminQuery(s, 'DELETE FROM public.hits; REVOKE EXECUTE ON FUNCTION pg_catalog.pg_postmaster_start_time() FROM PUBLIC');
    try {
      const said = await movedAndResumed(t, a, b, pgSocket, '.s.PGSQL.5555', pgUrl(a));
      assert.match(said, /cannot tell whether it is the server process|another socket file/);
    } finally {
      for (const s of [a, b]) await adminQuery(s, 'GRANT EXECUTE ON FUNCTION pg_catalog.pg_postmaster_start_time() TO PUBLIC');
    }
  });

  it('MariaDB (its start in whole seconds, its hostname, port and datadir alike): refused by the socket file, nothing written on the other', async (t) => {
    const said = await movedAndResumed(t, c, d, (s) => join(labServerInfo(s)!.dir, 'mysqld.sock'), 'db.sock',
      (path) => `mysql://${c.appUser}:${encodeURIComponent(c.appPassword)}@localhost/${c.database}?socket=${path}`);
    assert.match(said, /another socket file|restarted|another target/);
  });
});
