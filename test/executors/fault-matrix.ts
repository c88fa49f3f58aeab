// Every lab fault through the db-connect probe: the classification must name the fault.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createExecutors } from '../../src/executors/index.js';
import { faultKindsFor, injectFault, startServer, type FaultKind, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { testContext } from './context.js';

const EXPECTED: Record<FaultKind, string> = {
  none: 'ok', refused: 'refused', timeout: 'timeout', dropped: 'timeout', auth: 'auth', 'database-missing': 'database-missing',
  'ssl-required': 'ssl-required', 'ssl-unsupported': 'ssl-unsupported', 'cert-untrusted': 'cert-untrusted',
  'cert-hostname': 'cert-hostname', 'too-many-connections': 'too-many-connections',
  standby: 'standby', privilege: 'privilege', 'account-locked': 'account-locked', 'password-expired': 'password-expired',
  'no-hba-entry': 'auth', 'hba-no-match-tls': 'auth', 'hba-reject': 'auth', 'client-cert': 'auth',
  'anonymous-shadow': 'auth', 'account-other-host': 'auth', 'database-limit': 'too-many-connections',
  'server-starting': 'server-starting', 'unix-socket-account': 'auth-method', 'login-failures-blocked': 'too-many-login-failures',
  'host-blocked': 'host-blocked', 'socket-access': 'socket-access',
};

/** Faults only a client running as another OS user meets (root opens any socket): covered where the client is
 *  spawned as that user. */
const OTHER_USER: Partial<Record<FaultKind, string>> = {
  'socket-access': 'root opens any socket: test/diagnose/socket-access.test.ts runs the client as nobody',
  // The server resolves names from a private hosts file: a mount namespace, which needs root.
  ...(process.getuid?.() === 0 ? {} : { 'host-blocked': 'nameResolve needs root (a mount namespace)' }),
};

/** MariaDB 10.4+ counts failed logins: its 1045 under require_secure_transport is not tried again over TLS (#31). */
const MARIADB: Partial<Record<FaultKind, string>> = { 'ssl-required': 'auth' };

/** Faults the lab sets up on a running server with the default options (a URL, a role or an account of their own):
 *  they share one server, in this order, as test/diagnose/faults.test.ts's do; the rest need a server of their own. */
const ON_HEALTHY = new Set<FaultKind>(['none', 'auth', 'database-missing', 'ssl-unsupported', 'privilege', 'account-locked', 'password-expired',
  'anonymous-shadow', 'account-other-host', 'unix-socket-account']);

/** The matrix of one engine, in a describe that may run its cases side by side (most of a case is a server of its
 *  own starting): the cases on the shared server still run one after another, in order. */
export function faultMatrix(engine: LabEngine): void {
  let healthy: LabServer | undefined;
  before(async () => { healthy = await startServer(engine); });
  after(async () => { await healthy?.stop(); });
  let shared: Promise<unknown> = Promise.resolve();
  const inTurn = (fn: () => Promise<void>): Promise<void> => {
    const mine = shared.then(fn);
    shared = mine.catch(() => undefined);
    return mine;
  };
  for (const kind of faultKindsFor(engine)) {
    const expected = (engine === 'mariadb' ? MARIADB[kind] : undefined) ?? EXPECTED[kind];
    const check = async (): Promise<void> => {
      const fault = await injectFault(kind, engine, ON_HEALTHY.has(kind) ? { server: healthy! } : {});
      const executors = createExecutors();
      try {
        // Short only where the timeout is the answer expected (a silent or dropping listener: nothing else can
        // come back); elsewhere 30 s, which the server's answer (~10 ms idle) must beat even under load (#20).
        const timeoutMs = kind === 'timeout' || kind === 'dropped' ? 2000 : 30_000;
        const r = await executors.execute({ kind: 'probe', probe: 'db-connect', url: fault.url, timeoutMs }, testContext());
        assert.equal(r.classification, expected, `${fault.describe}: ${r.error ?? ''}`);
        assert.equal(r.status, kind === 'none' ? 'ok' : 'failed');
        if (kind !== 'none') assert.ok(r.error && !r.error.includes('\n'));
        const password = new URL(fault.url).password;
        assert.ok(!JSON.stringify(r).includes(password), 'no password in the result');
      } finally {
        await executors.close();
        await fault.cleanup();
      }
    };
    it(`db-connect classifies ${kind} as ${expected}`, { skip: OTHER_USER[kind] ?? false }, () => (ON_HEALTHY.has(kind) ? inTurn(check) : check()));
  }
}
