// Identity collisions: two servers can carry the same identity (copies of one data directory share PostgreSQL's
// system_identifier; `mariadb-0` in two clusters has the same hostname, port and datadir), so the address the
// URL names (host, port, database, user) is part of the target. And a connection the run never reached before
// it was interrupted is still compared, with where its URL led as the run started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, sameAddress, sameTarget, type TargetFingerprint } from '../../src/executors/fingerprint.js';
import { parseUrl } from '../../src/db/url.js';
import { TargetChanged, TargetGuard } from '../../src/engine/target-guard.js';
import { recordedTargets } from '../../src/transcript/recorded-targets.js';
import type { Transcript } from '../../src/transcript/reader.js';

const pg = (over: Partial<TargetFingerprint> = {}): TargetFingerprint => ({
  engine: 'postgres', host: 'db-a.internal', port: 5432, database: 'app', user: 'app', server: 'system_identifier 7711 at 10.0.0.5:5432', ...over,
});
const maria = (over: Partial<TargetFingerprint> = {}): TargetFingerprint => ({
  engine: 'mariadb', host: 'mariadb-0.mariadb.prod', port: 3306, database: 'app', user: 'app', server: 'hostname mariadb-0 port 3306 datadir /var/lib/mysql/', ...over,
});

test('the same identity under another host, port, database or user is another target', () => {
  for (const make of [pg, maria]) {
    assert.equal(sameTarget(make(), make()), true);
    for (const other of [{ host: 'db-b.internal' }, { host: 'mariadb-0.mariadb.staging' }, { port: 6432 }, { database: 'app2' }, { user: 'admin' }]) {
      assert.equal(sameTarget(make(), make(other)), false, JSON.stringify(other));
    }
  }
  assert.equal(sameTarget(maria(), maria({ engine: 'mysql' })), true, 'MySQL and MariaDB are one family (a mysql:// URL may reach either)');
  assert.equal(sameTarget(pg(), pg({ server: 'system_identifier 9999 at 10.0.0.5:5432' })), false);
});

test('an address is where the URL leads with the run\'s environment filling in what it leaves out', () => {
  const env = { PGUSER: 'ops', PGDATABASE: 'billing', PGPASSWORD: 'secret' };
  const a = addressOf(parseUrl('postgres://db-a:5433'), env);
  assert.deepEqual(a, { engine: 'postgres', host: 'db-a', port: 5433, database: 'billing', user: 'ops' });
  assert.ok(!JSON.stringify(a).includes('secret'), 'never the password');
  assert.equal(sameAddress(a, addressOf(parseUrl('postgres://db-a:5433'), { ...env, PGUSER: 'admin' })), false);
  assert.deepEqual(addressOf(parseUrl('postgres://u@%2Ftmp%2Fpg/app')), { engine: 'postgres', host: '/tmp/pg/.s.PGSQL.5432', database: 'app', user: 'u' }, 'a socket by its path');
});

test('first contact: a connection never reached before is compared with its address at run start; --retarget lets it go', () => {
  const addresses = new Map([['later', { engine: 'postgres' as const, host: 'db-a.internal', port: 5432, database: 'app', user: 'app' }]]);
  const guard = TargetGuard.create({ addresses });
  assert.throws(() => guard.check('later', pg({ host: 'db-b.internal' })),
    (e: unknown) => e instanceof TargetChanged && /another target for connection 'later': the run was started with it naming PostgreSQL app@db-a\.internal:5432\/app; now PostgreSQL app@db-b\.internal/.test(e.message));
  assert.equal(TargetGuard.create({ addresses }).check('later', pg()), true, 'the same address: recorded as first contact');
  assert.equal(TargetGuard.create({ addresses }, { retarget: true }).check('later', pg({ host: 'db-b.internal' })), true);
  // In a called runbook: its scoped key, and the calling step named.
  const nested = TargetGuard.create({ fingerprints: new Map([['call/db', pg()]]) }).child('call');
  assert.throws(() => nested.check('db', pg({ server: 'system_identifier 1 at x:1' })), /connection 'db' of the runbook called by step 'call'/);
});

test('a connection\'s first recorded address holds across resumes; only a resume with --retarget replaces it', () => {
  const at = (host: string) => ({ engine: 'postgres' as const, host, port: 5432, database: 'app', user: 'app' });
  const meta = (seq: number) => ({ seq, ts: '2026-11-23T00:00:00.000Z' });
  const resumed = (seq: number, retarget: boolean) => ({ type: 'resumed', ...meta(seq), stepId: 'call', phase: 'enter', operator: 'o', host: 'h', pid: 1,
    engineVersion: '0', argv: [], sha256: 'x', ...(retarget ? { retarget: true } : {}) });
  const addresses = (seq: number, host: string) => ({ type: 'connection-addresses', ...meta(seq), calledFrom: 'call', connections: { db: at(host) } });
  const of = (lines: unknown[]) => recordedTargets({ lines } as unknown as Transcript).addresses.get('call/db')?.host;
  // The refused resume wrote B before its first contact with it was refused: A still holds.
  assert.equal(of([addresses(1, 'db-a'), resumed(2, false), addresses(3, 'db-b')]), 'db-a');
  assert.equal(of([addresses(1, 'db-a'), resumed(2, false), addresses(3, 'db-b'), resumed(4, true), addresses(5, 'db-b')]), 'db-b');
});

test('a restart of the same server: refused on a resume (what the run read from it names other sessions now); seen by the run itself, recorded again', () => {
  for (const make of [pg, maria]) {
    const before = make({ started: '1795535005' });
    // Read as now less uptime, two asks of one run of a MariaDB/MySQL server may be a second apart.
    for (const same of ['1795535005', '1795535004', '1795535006']) {
      assert.equal(TargetGuard.create({ fingerprints: new Map([['db', before]]) }).check('db', make({ started: same })), true, same);
    }
    for (const later of ['1795535007', '1795538605', '1795535003']) {
      assert.throws(() => TargetGuard.create({ fingerprints: new Map([['db', before]]) }).check('db', make({ started: later })),
        (e: unknown) => e instanceof TargetChanged && /restarted since the run last reached it/.test(e.message) && /--retarget/.test(e.message), later);
      assert.equal(TargetGuard.create({ fingerprints: new Map([['db', before]]) }, { retarget: true }).check('db', make({ started: later })), true, '--retarget lets it go');
    }
    // The run restarts its own server: the next contact is recorded again (a later resume compares with it).
    const guard = TargetGuard.create();
    assert.equal(guard.check('db', before), true);
    assert.equal(guard.check('db', make({ started: '1795535006' })), false, 'the same run of the server: not recorded again');
    assert.equal(guard.check('db', make({ started: '1795535100' })), true, 'restarted: recorded again');
    assert.equal(guard.check('db', make({ started: '1795535100' })), false);
    // Recorded without a start (unreadable then: pg_postmaster_start_time() revoked; or before the field existed):
    // nothing tells a copy from it, so a resume is refused until --retarget (a probe of stop 68).
    assert.throws(() => TargetGuard.create({ fingerprints: new Map([['db', make()]]) }).check('db', make({ started: '1795535100' })),
      (e: unknown) => e instanceof TargetChanged && /cannot tell whether it is the server process/.test(e.message));
    assert.equal(TargetGuard.create({ fingerprints: new Map([['db', make()]]) }, { retarget: true }).check('db', make()), true, '--retarget lets it go');
  }
});

test('the host of shell steps: another kernel boot is another run of it (pids name other processes)', () => {
  const host = (boot: string): TargetFingerprint => ({ engine: 'host', host: 'vm', server: 'machine-id 3d12', started: `boot ${boot}` });
  assert.equal(TargetGuard.create({ fingerprints: new Map([['$host', host('2d19-a')]]) }).check('$host', host('2d19-a')), true);
  assert.throws(() => TargetGuard.create({ fingerprints: new Map([['$host', host('2d19-a')]]) }).check('$host', host('2d19-b')),
    (e: unknown) => e instanceof TargetChanged && /boot 2d19-a then, boot 2d19-b now/.test(e.message));
});
