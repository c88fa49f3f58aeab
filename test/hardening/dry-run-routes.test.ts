// The routes that only `runbook test` cases compared between a dry run and a real run (issue #35), now against
// real faults: refused at a standby, at HAProxy whose backend is down, at a Unix socket path where nothing
// listens, and at a PostgreSQL in a smart shutdown that a session holds open; pool-exhausted behind PgBouncer
// with its pool full; ssl with a certificate for another host name and with an expired one. No destructive step
// stands between the fault and the ending in any of them, so the dry run must take the same steps, find the
// same classes, print the same from its sandboxed shell steps, ask the same questions and end at the same step.
// Each case also asserts what the real run found and where it ended, so that an agreement is about the fault.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { diagnose } from '../../src/diagnose/diagnose.js';
import {
  capThreads, fillLockTable, injectFault, labServerInfo, startBusyPooler, startHaproxy, startServer, type LabEngine, type LabServer,
} from '../../src/lab/index.js';
import { pgbouncerBinary } from '../../src/lab/pgbouncer.js';
import { holdClosedPort } from '../../src/lab/closed-port.js';
import { until } from '../helpers/poll.js';
import { assertSameRun, runOf, type Run } from './dry-real.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-dry-routes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Setup { inputs: Record<string, string>; cleanup(): Promise<void> }

interface Case {
  name: string; runbook: string; engines: LabEngine[];
  setup: (s: Record<LabEngine, LabServer>, e: LabEngine) => Promise<Setup>;
  answers: string[]; shells?: string[];
  /** What of a shell step's output is about the fault: the machine's other servers come and go between two runs. */
  facts?: (printed: string) => string[];
  /** What `diagnose` says of the URL: the class and the runbook it names (the one run here). */
  diagnosed?: [string, string];
  /** What the real run must show: the class that routed it, the question, the ending. */
  expect: (real: Run) => void;
  /** Run the dry run first, then the real one: both would otherwise queue behind the same pooler. */
  sequential?: boolean;
  skip?: string | false;
  /** Steps outside the proven subset (vouched for) that the route depends on: a dry run shows them, so it takes
   *  the route of their empty output; asserted instead of the same route (#44). */
  dryRunShows?: string[];
}

const at = (server: LabServer, port: number): string => server.url().replace(`:${server.port}/`, `:${port}/`);
const none = async (): Promise<void> => undefined;

/** A server of its own, with `url` built from it; stopped afterwards. */
async function own(engine: LabEngine, opts: Parameters<typeof startServer>[1], url: (s: LabServer) => string): Promise<Setup> {
  const server = await startServer(engine, opts);
  return { inputs: { url: url(server) }, cleanup: () => server.stop() };
}

/** A URL that verifies the server's certificate with the lab CA (verify-full / verifyIdentity). */
function verifying(server: LabServer): string {
  if (server.engine === 'postgres') return server.url({ params: { sslmode: 'verify-full', sslrootcert: server.caFile! } });
  return server.url({ params: { ssl: JSON.stringify({ ca: readFileSync(server.caFile!, 'utf8'), rejectUnauthorized: true, verifyIdentity: true }) } });
}

/** The URL of the server's Unix socket, in a directory that does not exist. */
function missingSocket(server: LabServer): string {
  const u = encodeURIComponent(server.appUser), p = encodeURIComponent(server.appPassword);
  const nowhere = encodeURIComponent(join(dir, 'no-such-dir'));
  return server.engine === 'postgres'
    ? `postgresql://${u}:${p}@/${server.database}?host=${nowhere}&port=${server.port}`
    : `mysql://${u}:${p}@localhost/${server.database}?socket=${encodeURIComponent(join(dir, 'no-such-dir', 'mysqld.sock'))}`;
}

/** The app user's URL over the server's own Unix socket. */
function socketUrl(server: LabServer): string {
  const u = encodeURIComponent(server.appUser), p = encodeURIComponent(server.appPassword);
  return `postgresql://${u}:${p}@/${server.database}?host=${encodeURIComponent(labServerInfo(server)!.dir)}&port=${server.port}`;
}

/** A URL that asks for TLS without checking the certificate. */
const tlsUnchecked = (server: LabServer): string => server.url({
  params: server.engine === 'postgres' ? { sslmode: 'require' } : { ssl: JSON.stringify({ rejectUnauthorized: false }) },
});

/** PostgreSQL whose lock table a session's advisory locks fill: every login gets 53200 "out of shared memory". */
async function lockTableFull(): Promise<Setup> {
  const server = await startServer('postgres');
  const holder = await fillLockTable(server);
  return { inputs: { url: server.url() }, cleanup: async () => { await holder.release(); await server.stop(); } };
}

/** MariaDB that cannot start a thread for a new connection: every login gets 1135. */
async function threadsCapped(): Promise<Setup> {
  const server = await startServer('mariadb');
  const limit = await capThreads(server);
  return { inputs: { url: server.url() }, cleanup: async () => { await limit.release(); await server.stop(); } };
}

/** PostgreSQL told to stop (SIGTERM: a smart shutdown) while an application session holds it open. */
async function smartShutdown(): Promise<Setup> {
  const server = await startServer('postgres');
  const held = new pg.Client({ connectionString: server.url() });
  held.on('error', () => undefined); // the server's stop at the end cuts it
  await held.connect();
  process.kill(labServerInfo(server)!.pid, 'SIGTERM');
  await until(async () => {
    const probe = new pg.Client({ connectionString: server.url(), connectionTimeoutMillis: 10_000 });
    const refused = await probe.connect().then(() => false, (err: Error) => /shutting down/.test(err.message));
    await probe.end().catch(() => undefined);
    return refused || undefined;
  }, 60_000, 'logins refused while the server shuts down', 100);
  return { inputs: { url: server.url() }, cleanup: async () => { await held.end().catch(() => undefined); await server.stop(); } };
}

const CASES: Case[] = [
  { name: 'refused: a standby that takes no logins', runbook: 'refused', engines: ['postgres'], answers: [],
    setup: async (_s, e) => { const f = await injectFault('standby', e); return { inputs: { url: f.url }, cleanup: () => f.cleanup() }; },
    expect: (real) => { assert.equal(real.classes.verify, 'standby'); assert.deepEqual([real.end.outcome, real.end.stepId], ['escalate', 'standby']); } },
  { name: 'refused: HAProxy whose backend is down', runbook: 'refused', engines: ['postgres', 'mariadb'], answers: [],
    setup: async (s, e) => {
      const backend = await holdClosedPort(); // held: a concurrent case's server cannot take the "down" port
      const proxy = await startHaproxy({ backendPort: backend.port });
      return { inputs: { url: at(s[e], proxy.port) }, cleanup: async () => { await proxy.stop(); await backend.close(); } };
    },
    expect: (real) => {
      assert.equal(real.classes.verify, 'proxy-closed', real.end.message);
      assert.equal(real.end.stepId, 'proxy-unknown'); // no backend_url: the ending says how to tell a down backend from a full queue
      assert.match(real.end.message, /closed after [\d.]+ s without sending a byte.*timeout queue/s);
    } },
  { name: 'refused: a Unix socket path where nothing listens, while the server listens on its own socket', runbook: 'refused',
    engines: ['postgres', 'mariadb'], answers: ['cannot'], shells: ['socket-file'], dryRunShows: ['socket-file'],
    // Both runs see database sockets listening on the machine (the dry run's sandbox too). Whether this server's own
    // is among them is not compared: the step lists 20, and the other lab servers on a test machine can be more.
    facts: (out) => [...out.split('\n').filter((l) => /^(socket|access)=/.test(l)), `sockets listening here: ${/^listening=[1-9]/m.test(out)}`],
    setup: async (s, e) => ({ inputs: { url: missingSocket(s[e]) }, cleanup: none }),
    expect: (real) => {
      assert.deepEqual(real.asked, ['socket-elsewhere']);
      assert.deepEqual(real.printed['socket-file'], 'socket=missing\nsockets listening here: true');
      assert.deepEqual([real.end.outcome, real.end.stepId], ['escalate', 'escalate']);
    } },
  { name: 'refused: a smart shutdown held open by a session', runbook: 'refused', engines: ['postgres'], answers: ['not-now'],
    setup: () => smartShutdown(),
    expect: (real) => {
      assert.equal(real.classes.verify, 'server-starting');
      // Not a wait for logins (wait-login is skipped by its `if`): a smart shutdown never ends by itself.
      assert.deepEqual(real.path.slice(-2), ['verify', 'shutting-down'], real.path.join(' '));
      assert.deepEqual(real.asked, ['shutting-down']);
      assert.deepEqual([real.end.outcome, real.end.stepId], ['escalate', 'escalate']);
      assert.match(real.end.message, /refuses logins while it shuts down, and it was not started again here/);
    } },
  { name: 'pool-exhausted: PgBouncer\'s pool full, a client queued at the pooler (the server has room)', runbook: 'pool-exhausted',
    engines: ['postgres'], answers: ['continue'], sequential: true, skip: pgbouncerBinary() ? false : 'pgbouncer is not installed',
    setup: async (s) => {
      const busy = await startBusyPooler(s.postgres, { poolSize: 2, waiting: 1, queryWaitTimeout: 90 });
      return {
        inputs: { url: s.postgres.adminUrl(), pooler_admin_url: busy.pooler.adminUrl(), app_url: busy.url, app_processes: '0' },
        cleanup: () => busy.cleanup(),
      };
    },
    expect: (real) => {
      assert.ok(real.path.includes('pooler-pool-full'), real.path.join(' '));
      assert.equal(real.classes['final-check'], 'pooler-wait-timeout');
      assert.equal(real.end.outcome, 'escalate');
      assert.match(real.end.message, /With the application's URL a new connection fails with pooler-wait-timeout/);
    } },
  { name: 'ssl: a trusted certificate for another host name, verified', runbook: 'ssl', engines: ['postgres', 'mariadb'], answers: ['not-now'],
    setup: async (_s, e) => { const f = await injectFault('cert-hostname', e); return { inputs: { url: f.url }, cleanup: () => f.cleanup() }; },
    expect: (real) => {
      assert.equal(real.classes.client, 'cert-hostname');
      assert.deepEqual(real.asked, ['hostname']);
      assert.deepEqual([real.end.outcome, real.end.stepId], ['escalate', 'escalate']);
    } },
  { name: 'ssl: an expired certificate, verified', runbook: 'ssl', engines: ['postgres', 'mariadb'], answers: ['not-now'],
    setup: (_s, e) => own(e, { tls: 'on', cert: 'expired' }, verifying),
    expect: (real) => {
      assert.equal(real.classes.client, 'cert-expired');
      assert.deepEqual(real.asked, ['expired']);
      assert.deepEqual([real.end.outcome, real.end.stepId], ['escalate', 'escalate']);
    } },
  // #31: the classes whose routes only cases walked, each from a fault the server itself produces.
  { name: 'pool-exhausted: the lock table full (53200 out of shared memory), the host\'s owners told', runbook: 'pool-exhausted',
    engines: ['postgres'], answers: ['tell-owners'], diagnosed: ['server-resources', 'pool-exhausted'],
    setup: () => lockTableFull(),
    expect: (real) => {
      assert.equal(real.classes.connect, 'server-resources');
      assert.deepEqual(real.asked, ['server-resources']);
      // The lock table, not the host's memory: who holds the locks, and the setting.
      assert.match(real.said['server-resources']!, /lock table being full.*not the host out of RAM.*pg_locks.*max_locks_per_transaction/s);
      assert.deepEqual([real.end.outcome, real.end.stepId], ['escalate', 'resources-end']);
      assert.match(real.end.message, /until the session holding the lock table ends/);
    } },
  { name: 'pool-exhausted: no thread for a new connection (1135, the process limit), the host\'s owners told', runbook: 'pool-exhausted',
    engines: ['mariadb'], answers: ['tell-owners'], diagnosed: ['server-resources', 'pool-exhausted'],
    setup: () => threadsCapped(),
    expect: (real) => {
      assert.equal(real.classes.connect, 'server-resources');
      assert.deepEqual(real.asked, ['server-resources']);
      assert.match(real.said['server-resources']!, /Can't create a new thread.*process limit \(`systemctl show mariadb -p LimitNPROC -p TasksMax`/s);
      assert.doesNotMatch(real.said['server-resources']!, /lock table/);
      assert.deepEqual([real.end.outcome, real.end.stepId], ['escalate', 'resources-end']);
      assert.match(real.end.message, /until the disk, memory or process limit is fixed/);
    } },
  { name: 'ssl: a server that speaks only TLS 1.0', runbook: 'ssl', engines: ['postgres', 'mariadb'], answers: ['not-now'],
    diagnosed: ['tls-handshake', 'ssl'],
    setup: (_s, e) => own(e, { tls: 'on', tlsVersion: '1.0' }, tlsUnchecked),
    expect: (real) => {
      assert.equal(real.classes.client, 'tls-handshake');
      assert.deepEqual(real.asked, ['tls-versions']);
      assert.match(real.said['tls-versions']!, /protocol version/);
      assert.match(real.said['tls-versions']!, /allow TLS 1\.2 and 1\.3/);
      assert.deepEqual([real.end.outcome, real.end.stepId], ['escalate', 'escalate']);
    } },
  { name: 'ssl: a TLS 1.3-only server, the URL pins TLS 1.2 at most', runbook: 'ssl', engines: ['postgres', 'mariadb'], answers: ['not-now'],
    diagnosed: ['tls-handshake', 'ssl'],
    setup: (_s, e) => own(e, { tls: 'on', tlsVersion: '1.3' }, (s) => s.url({ params: s.engine === 'postgres'
      ? { sslmode: 'require', ssl_max_protocol_version: 'TLSv1.2' } : { ssl: JSON.stringify({ rejectUnauthorized: false, maxVersion: 'TLSv1.2' }) } })),
    expect: (real) => {
      assert.equal(real.classes.client, 'tls-handshake');
      assert.match(real.said['tls-versions']!, /A default TLS client does get through \(TLSv1\.3.*what the application offers is narrower/s);
    } },
  { name: 'auth: pg_hba.conf says peer for the socket, the OS user is not the role', runbook: 'auth', engines: ['postgres'],
    answers: ['not-now'], diagnosed: ['auth-method', 'auth'],
    setup: async () => {
      const server = await startServer('postgres', { localLines: ['local all app_user peer'] });
      return { inputs: { url: socketUrl(server), admin_url: server.adminUrl() }, cleanup: () => server.stop() };
    },
    expect: (real) => {
      assert.equal(real.classes.login, 'auth-method');
      assert.deepEqual(real.asked, ['auth-method']);
      assert.match(real.said['auth-method']!, /Peer authentication failed for user "app_user"/);
      assert.match(real.said['auth-method']!, /line \*\*1\*\*: `local all app_user/);
      assert.deepEqual([real.end.outcome, real.end.stepId], ['escalate', 'escalate']);
    } },
  { name: 'auth: pg_hba.conf says ident for TCP, no ident server answers', runbook: 'auth', engines: ['postgres'],
    answers: ['not-now'], diagnosed: ['auth-method', 'auth'],
    setup: async () => {
      const server = await startServer('postgres', { hbaLines: ['host all app_user 127.0.0.1/32 ident', 'host all all 127.0.0.1/32 scram-sha-256'] });
      return { inputs: { url: server.url(), admin_url: server.adminUrl() }, cleanup: () => server.stop() };
    },
    expect: (real) => {
      assert.equal(real.classes.login, 'auth-method');
      assert.deepEqual(real.asked, ['auth-method']);
      assert.match(real.said['auth-method']!, /Ident authentication failed for user "app_user"/);
      // Line 1 is the lab's own `local all all trust`.
      assert.match(real.said['auth-method']!, /line \*\*2\*\*: `host all app_user 127\.0\.0\.1 ident`/);
    } },
];

let servers: Record<LabEngine, LabServer>;
before(async () => {
  const [postgres, mariadb] = await Promise.all([startServer('postgres'), startServer('mariadb')]);
  servers = { postgres, mariadb };
});
after(async () => { await Promise.all(Object.values(servers ?? {}).map((s) => s.stop())); });

// Six at a time: most cases start servers of their own.
describe('a dry run and a real run take the same route to the same ending', { concurrency: 6 }, () => {
  for (const c of CASES) for (const engine of c.engines) {
    test(`${c.name} (${engine})`, { skip: c.skip ?? false }, async () => {
      const { inputs, cleanup } = await c.setup(servers, engine);
      try {
        const opts = { answers: c.answers, ...(c.shells ? { shells: c.shells } : {}) };
        const [real, dry] = c.sequential
          ? await runOf(dir, c.runbook, inputs, true, opts).then(async (d) => [await runOf(dir, c.runbook, inputs, false, opts), d] as const)
          : await Promise.all([runOf(dir, c.runbook, inputs, false, opts), runOf(dir, c.runbook, inputs, true, opts)]);
        for (const r of c.facts ? [real, dry] : []) {
          r.printed = Object.fromEntries(Object.entries(r.printed).map(([id, out]) => [id, c.facts!(out).join('\n')]));
        }
        c.expect(real);
        if (c.dryRunShows) {
          for (const id of c.dryRunShows) assert.ok(dry.path.includes(id) && !(id in dry.acted) && (dry.printed[id] ?? '') === (c.facts ? c.facts('').join('\n') : ''), `${id} is shown, not run, in the dry run`);
          assert.ok(dry.end.outcome, 'the dry run ends');
        } else assertSameRun(real, dry);
        if (c.diagnosed) {
          const d = await diagnose({ url: inputs.url!, from: 'test' }, { timeoutMs: 10_000 });
          assert.deepEqual([d.classification, d.runbook], c.diagnosed, JSON.stringify(d.checks));
        }
      } finally {
        await cleanup();
      }
    });
  }
});
