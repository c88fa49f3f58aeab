// Two copies of one data directory share PostgreSQL's system_identifier (a probe of stop 68: two servers from one
// template, reached through a socket path the probe moved from one to the other between kill -9 and resume). The
// server's start time told them apart only to the second, with a second's grace, so two started in the same
// second were taken for one and the resumed write landed on the other. Its start is now compared to the
// microsecond: the resume is refused, nothing is written on the twin.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sameLifetime } from '../../src/executors/fingerprint.js';
import { labServerInfo, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, until } from '../transcript/helpers.js';

it('a PostgreSQL start to the microsecond: the same only when equal; whole seconds (MariaDB, older records) within one', () => {
  const at = (started: string) => ({ engine: 'postgres' as const, host: 'h', server: 's', started });
  assert.equal(sameLifetime(at('1764250000.123456'), at('1764250000.123456')), true);
  assert.equal(sameLifetime(at('1764250000.123456'), at('1764250000.654321')), false);
  assert.equal(sameLifetime(at('1764250000'), at('1764250001')), true);
  assert.equal(sameLifetime(at('1764250000'), at('1764250000.5')), true);
});

describe('resume through a socket path moved to a copy of the server (same system_identifier)', () => {
  let a: LabServer, b: LabServer;
  before(async () => { [a, b] = await Promise.all([startPostgres({ postgresVersion: 'system' }), startPostgres({ postgresVersion: 'system' })]); });
  after(async () => { await Promise.all([a?.stop(), b?.stop()]); });

  it('is refused: nothing is written on the copy', async (t) => {
    const id = async (s: LabServer) => (await adminQuery(s, 'SELECT system_identifier::text AS id FROM pg_control_system()'))[0]?.id;
    assert.equal(await id(a), await id(b), 'the two lab servers are copies of one data directory');
    for (const s of [a, b]) await adminQuery(s, `CREATE TABLE public.hits (step text); GRANT INSERT, SELECT ON public.hits TO ${s.appUser}`);
    const dir = scratch(t);
    const sockets = join(dir, 'sock');
    mkdirSync(sockets);
    const link = (s: LabServer) => {
      const tmp = join(dir, 'next');
      symlinkSync(join(labServerInfo(s)!.dir, `.s.PGSQL.${s.port}`), tmp);
      renameSync(tmp, join(sockets, '.s.PGSQL.5555'));
    };
    link(a);
    const go = join(dir, 'go');
    const rb = join(dir, 'twin.yaml');
    writeFileSync(rb, `name: twin
title: Writes, waits, writes
connections:
  db: { url: "postgres://${a.appUser}@/${a.database}?host=${sockets}&port=5555" }
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
    const run = cli(['run', rb, '--plain', '--yes', '--transcript', transcript], { cwd: dir, env: { PGPASSWORD: a.appPassword } });
    const hits = async (s: LabServer) => (await adminQuery(s, 'SELECT step FROM public.hits ORDER BY step')).map((r) => r.step);
    await until(async () => (await hits(a)).includes('first'), 60_000, 'the first write');
    await new Promise((r) => setTimeout(r, 300)); // into the wait step
    run.kill('SIGKILL');
    await run;
    writeFileSync(go, '');
    link(b);
    const resumed = await cli(['resume', transcript, '--plain', '--yes'], { cwd: dir, env: { PGPASSWORD: b.appPassword } });
    assert.notEqual(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.match(resumed.stdout + resumed.stderr, /restarted|another target/, resumed.stdout + resumed.stderr);
    assert.deepEqual(await hits(b), [], 'nothing written on the copy');
    assert.deepEqual(await hits(a), ['first'], 'the first write once, on the first server');
  });
});
