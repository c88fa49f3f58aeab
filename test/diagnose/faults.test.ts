// `diagnose` against real lab servers: every fault gets the right classification and runbook, on
// PostgreSQL 15, PostgreSQL 18 and MariaDB. Servers are shared where a fault allows it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { faultKindsFor, injectFault, startServer, type FaultKind, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { runCli } from '../runbooks/helpers.js';

const EXPECTED: [FaultKind, string, string | null][] = [
  ['none', 'ok', null],
  ['refused', 'refused', 'refused'],
  ['timeout', 'timeout', 'timeout'],
  ['dropped', 'timeout', 'timeout'],
  ['auth', 'auth', 'auth'],
  ['database-missing', 'database-missing', 'auth'],
  // PostgreSQL only: MariaDB's answer is a 1045 like a wrong password (MARIADB_EXPECTED below).
  ['ssl-required', 'ssl-required', 'ssl'],
  ['ssl-unsupported', 'ssl-unsupported', 'ssl'],
  ['cert-untrusted', 'cert-untrusted', 'ssl'],
  ['cert-hostname', 'cert-hostname', 'ssl'],
  ['too-many-connections', 'too-many-connections', 'pool-exhausted'],
  ['standby', 'standby', 'refused'],
  ['privilege', 'privilege', 'auth'],
  ['account-locked', 'account-locked', 'auth'],
  ['password-expired', 'password-expired', 'auth'],
  // "no pg_hba.conf entry …, no encryption" from a server without TLS: an access rule, not the TLS advice.
  ['no-hba-entry', 'auth', 'auth'],
  // "no encryption" from a server with TLS, where no line names the client over TLS either: still an access rule.
  ['hba-no-match-tls', 'auth', 'auth'],
  // A reject line, and a hostssl cert line without a client certificate: access rules, routed by the auth runbook.
  ['hba-reject', 'auth', 'auth'],
  ['client-cert', 'auth', 'auth'],
  // MariaDB: an anonymous account matched before the app's own (socket client), an account for another host only.
  ['anonymous-shadow', 'auth', 'auth'],
  ['account-other-host', 'auth', 'auth'],
  // The database's own CONNECTION LIMIT with the server nearly empty: still pool-exhausted, whose role-limits names it.
  ['database-limit', 'too-many-connections', 'pool-exhausted'],
  // Held in startup (a standby without its checkpoint's WAL): 57P03 "starting up", which the refused runbook waits out.
  ['server-starting', 'server-starting', 'refused'],
  // MariaDB: a unix_socket account given a password (1698), an account blocked by max_password_errors (4150): the
  // auth runbook's auth-method and login-failures steps (test/runbooks/auth-mariadb-methods.test.ts).
  ['unix-socket-account', 'auth-method', 'auth'],
  ['login-failures-blocked', 'too-many-login-failures', 'auth'],
];

/**
 * MariaDB (10.4+ counts failed logins) refuses a plain login under require_secure_transport with the 1045 of a wrong
 * password, and diagnose does not log in a second time over TLS to tell them apart (#31: that second login, with a
 * wrong password, counts against max_password_errors). So: auth, and the auth runbook reads the requirement as an
 * admin (test/runbooks/tls-required-login.test.ts).
 */
const MARIADB_EXPECTED: Partial<Record<FaultKind, [string, string]>> = { 'ssl-required': ['auth', 'auth'] };

/** Faults that can reuse the healthy (TLS off) or the TLS-on server; the rest start their own. */
const ON_HEALTHY = new Set<FaultKind>(['none', 'auth', 'database-missing', 'ssl-unsupported', 'privilege', 'account-locked', 'password-expired',
  'anonymous-shadow', 'account-other-host', 'unix-socket-account']);

/** Listener faults (refused, timeout, dropped) have no server behind them: run once, not per PostgreSQL major. */
const NO_SERVER = new Set<FaultKind>(['refused', 'timeout', 'dropped']);

const TARGETS: { engine: LabEngine; name: string; postgresVersion?: '18' }[] = [
  { engine: 'postgres', name: 'postgres' }, { engine: 'postgres', name: 'postgres 18', postgresVersion: '18' }, { engine: 'mariadb', name: 'mariadb' },
];

// One parent so the three servers' groups run side by side: they share no server, and most of their time is
// waiting for servers to start and for probes. Each group's own tests still run one at a time (concurrency 1:
// a describe takes its parent's otherwise), as the faults that share its servers need.
describe('diagnose on real servers', { concurrency: true }, () => {
  for (const { engine, name, postgresVersion } of TARGETS) {
    const version = postgresVersion ? { postgresVersion } : {};
    describe(`diagnose on ${name}`, { concurrency: 1 }, () => {
      let healthy: LabServer;
      let tlsOn: LabServer;
      before(async () => { [healthy, tlsOn] = await Promise.all([startServer(engine, version), startServer(engine, { tls: 'on', ...version })]); });
      after(async () => { await Promise.all([healthy?.stop(), tlsOn?.stop()]); });

      const expected = EXPECTED.map(([k, c, r]): [FaultKind, string, string | null] => (engine === 'mariadb' && MARIADB_EXPECTED[k] ? [k, ...MARIADB_EXPECTED[k]] : [k, c, r]));
      for (const [kind, classification, runbook] of expected.filter(([k]) => faultKindsFor(engine).includes(k))) {
        if (postgresVersion && NO_SERVER.has(kind)) continue;
        it(`${kind} → ${classification}, runbook ${runbook ?? 'none'}`, async () => {
          const server = ON_HEALTHY.has(kind) ? healthy : kind === 'cert-untrusted' ? tlsOn : undefined;
          const fault = await injectFault(kind, engine, server ? { server } : version);
          try {
            // The probes' timeout is short only where it is the answer expected (a silent or dropping listener,
            // nothing else can come back); elsewhere 30 s, which the server's answer must beat under load (#20).
            const timesOut = kind === 'timeout' || kind === 'dropped';
            const started = Date.now();
            const d = await diagnose({ url: fault.url, from: 'test' }, { timeoutMs: timesOut ? 2000 : 30_000 });
            assert.equal(d.classification, classification, JSON.stringify(d.checks));
            assert.equal(d.runbook, runbook);
            // Hang guard: idle value ~2.1 s for the silent server (the 2 s timeout); without the timeout it would wait
            // for ever. How fast diagnose answers is bench/'s `diagnose` rows.
            if (timesOut) assert.ok(Date.now() - started < 30_000, 'a silent server is named within the timeout, not waited on for ever');
            const secret = new URL(fault.url.replace(/^mysql:/, 'http:').replace(/^postgres:/, 'http:')).password;
            assert.ok(!JSON.stringify(d).includes(decodeURIComponent(secret)), 'the password never appears');
            if (kind === 'none') assert.equal(d.checks.find((c) => c.layer === 'pool')?.status, 'ok');
            if (engine === 'mariadb' && kind === 'ssl-required') {
              assert.match(d.checks.find((c) => c.layer === 'connect')?.summary ?? '', /not retried over TLS, as MariaDB 10\.\d+\.\d+ counts failed logins/);
            }
            if (postgresVersion && kind === 'none') assert.match(JSON.stringify(d.checks), /18\.\d/, 'the server is PostgreSQL 18');
          } finally {
            await fault.cleanup();
          }
        });
      }

      it('CLI: `diagnose <url> --json` prints classification, scenario, runbook and checks', async () => {
        const fault = await injectFault('auth', engine, { server: healthy });
        const r = await runCli(['diagnose', fault.url, '--json', '--timeout', '30s']); // must not fire (#20)
        assert.equal(r.code, 1, r.stderr);
        const out = JSON.parse(r.stdout) as { classification: string; scenario: string; runbook: string; checks: { layer: string }[] };
        assert.deepEqual([out.classification, out.scenario, out.runbook], ['auth', 'auth', 'auth']);
        assert.deepEqual(out.checks.map((c) => c.layer), ['config', 'dns', 'tcp', 'tls', 'connect', 'startup', 'session', 'writable', 'pool']);
        assert.ok(!r.stdout.includes(healthy.appPassword) && !r.stdout.includes(encodeURIComponent(healthy.appPassword)));
      });
    });
  }
});

describe('diagnose without a server', () => {
  it('names the character to encode in a malformed URL and sends it to the auth runbook', async () => {
    const d = await diagnose({ url: 'postgres://app:pa#ss@127.0.0.1:1/db', from: 'test' }, { timeoutMs: 1000 });
    assert.deepEqual([d.classification, d.scenario, d.runbook], ['other', 'config', 'auth']);
    assert.match(d.finding, /'#' — URL-encode it as %23/);
    assert.ok(!JSON.stringify(d).includes('pa#ss'));
  });

  it('takes DATABASE_URL from the environment and exits 0 only when healthy', async () => {
    const r = await runCli(['diagnose', '--json', '--timeout', '30'], { env: { DATABASE_URL: 'postgres://u:secret-pw@127.0.0.1:1/db' } }); // must not fire (#20)
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as { classification: string; source: string };
    assert.deepEqual([out.classification, out.source], ['refused', 'DATABASE_URL']);
    assert.ok(!r.stdout.includes('secret-pw'));
  });
});
