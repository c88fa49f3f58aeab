// A diagnose of a MySQL/MariaDB URL adds no aborted connection of its own (#31). MariaDB counts every connection
// that ends before a login (Aborted_connects, and the client host's count against max_connect_errors when it
// resolves names): diagnose's tcp and tls layers are read off the login's own connection, and a plain URL's
// certificate comes from a TLS login made only after the plain one worked. What a case may add is the login the
// application itself would make: a wrong password, a certificate the URL rejects. Measured on the server's own
// Aborted_connects (no root needed; host-blocked.test.ts shows the host cache itself).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { createExecutors } from '../../src/executors/index.js';
import type { ExecContext } from '../../src/executors/types.js';
import { readPeer } from '../../src/executors/probes/peer.js';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { until } from '../helpers/poll.js';
import { mariadbSettled, myQuery } from '../lab/helpers.js';
import { runCliWithAnswers } from '../runbooks/answers.js';
import { readEvents } from '../runbooks/helpers.js';

const ANSWER_MS = 30_000; // must not fire (#20)

async function abortedConnects(server: LabServer): Promise<number> {
  const [row] = await myQuery(server.adminUrl(), "SELECT VARIABLE_VALUE AS v FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'ABORTED_CONNECTS'");
  return Number(row?.['v']);
}

/** How many aborted connects `act` adds, once the server has handled them all (at least `atLeast` first: a
 *  connection closed at once may still wait in the accept queue). */
async function added(server: LabServer, act: () => Promise<unknown>, atLeast = 0): Promise<number> {
  await mariadbSettled(server.adminUrl());
  const before = await abortedConnects(server);
  await act();
  await until(async () => (await abortedConnects(server)) >= before + atLeast, 30_000, `${atLeast} aborted connects`);
  await mariadbSettled(server.adminUrl());
  return (await abortedConnects(server)) - before;
}

const run = (url: string) => diagnose({ url, from: 'test' }, { timeoutMs: ANSWER_MS });
const layer = (d: Awaited<ReturnType<typeof run>>, name: string) => d.checks.find((c) => c.layer === name);

describe('diagnose of MySQL URLs: no aborted connection of its own', () => {
  let plain: LabServer;
  let tlsOn: LabServer;
  before(async () => { [plain, tlsOn] = await Promise.all([startMariadb(), startMariadb({ tls: 'on' })]); });
  after(async () => { await Promise.all([plain?.stop(), tlsOn?.stop()]); });

  it('a healthy URL: 0; the tcp layer is the login\'s own connection', async () => {
    let d: Awaited<ReturnType<typeof run>> | undefined;
    assert.equal(await added(plain, async () => { d = await run(plain.url()); }), 0);
    assert.equal(d?.classification, 'ok', JSON.stringify(d?.checks));
    assert.match(layer(d!, 'tcp')?.summary ?? '', /^127\.0\.0\.1:\d+ accepts TCP \(\d+ ms, the login's own connection\)$/);
    assert.equal(layer(d!, 'tcp')?.details?.['address'], '127.0.0.1');
    assert.match(layer(d!, 'tls')?.summary ?? '', /server offers no TLS; sslmode disable connects in plain text \[read off the login\]/);
  });

  it('a wrong password: 1, the failed login itself (no tcp or tls connection beside it)', async () => {
    let d: Awaited<ReturnType<typeof run>> | undefined;
    assert.equal(await added(plain, async () => { d = await run(plain.url({ password: 'wrong' })); }, 1), 1);
    assert.equal(d?.classification, 'auth');
    assert.equal(layer(d!, 'tcp')?.status, 'ok');
  });

  // auth runs because logins fail, and a failed login never resets the host's count: its own steps must add
  // nothing beside the login (it had a tcp step first, +1 per run).
  it('`runbook run auth` with a wrong password: 1, the failed login itself (no tcp step before it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-connect-errors-'));
    try {
      const transcript = join(dir, 'auth.jsonl');
      const args = ['run', 'auth', '--plain', '--transcript', transcript, '--input', `url=${plain.url({ password: 'wrong' })}`];
      let code: number | null = null;
      assert.equal(await added(plain, async () => { ({ code } = await runCliWithAnswers(args, ['not-now'])); }, 1), 1);
      assert.equal(code, 1);
      const events = readEvents(transcript);
      assert.deepEqual(events.filter((e) => e.type === 'step-started').map((e) => e.stepId), ['parse', 'login', 'password-rejected']);
      assert.equal(events.find((e) => e.type === 'run-finished')?.outcome, 'escalate');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sslmode=require on a server without TLS: ssl-unsupported at the tls layer, from the login\'s greeting: 1', async () => {
    let d: Awaited<ReturnType<typeof run>> | undefined;
    assert.equal(await added(plain, async () => { d = await run(plain.url({ params: { sslmode: 'require' } })); }, 1), 1);
    assert.equal(d?.classification, 'ssl-unsupported');
    assert.match(layer(d!, 'tls')?.summary ?? '', /requires TLS \(sslmode require\) but the server offers none: the server does not offer TLS/);
  });

  it('sslmode=prefer on a server without TLS: plain text on the login\'s own connection (as the mysql client), 0', async () => {
    let d: Awaited<ReturnType<typeof run>> | undefined;
    assert.equal(await added(plain, async () => { d = await run(plain.url({ params: { 'ssl-mode': 'PREFERRED' } })); }), 0);
    assert.equal(d?.classification, 'ok', JSON.stringify(d?.checks));
    assert.match(layer(d!, 'tls')?.summary ?? '', /^server offers no TLS; sslmode prefer connects in plain text/);
    assert.match(layer(d!, 'connect')?.summary ?? '', /TLS off\)$/);
  });

  it('sslmode=prefer on a TLS server: TLS, 0', async () => {
    let d: Awaited<ReturnType<typeof run>> | undefined;
    assert.equal(await added(tlsOn, async () => { d = await run(tlsOn.url({ params: { sslmode: 'prefer' } })); }), 0);
    assert.match(layer(d!, 'connect')?.summary ?? '', /TLS on\)$/);
    // prefer without a CA verifies nothing, by design: no warning where nothing is wrong (#48).
    assert.deepEqual(d!.checks.filter((c) => c.status === 'warn').map((c) => c.summary), []);
  });

  it('a plain URL on a TLS server: the certificate from a TLS login after the plain one, 0', async () => {
    let d: Awaited<ReturnType<typeof run>> | undefined;
    assert.equal(await added(tlsOn, async () => { d = await run(tlsOn.url()); }), 0);
    assert.equal(d?.classification, 'ok', JSON.stringify(d?.checks));
    const tls = layer(d!, 'tls');
    assert.equal(tls?.status, 'ok', 'nothing is wrong: the URL does not verify (#48)');
    assert.match(tls?.summary ?? '', /certificate would fail verification \(cert-untrusted: .*issuer CN=runbook fault lab CA.*sslmode disable does not check it \[read off a TLS login after the plain one\]/);
    assert.equal(typeof tls?.details?.['daysToExpiry'], 'number');
  });

  it('a plain URL on a TLS server with a wrong password: the greeting says TLS, no certificate read, 1', async () => {
    let d: Awaited<ReturnType<typeof run>> | undefined;
    assert.equal(await added(tlsOn, async () => { d = await run(tlsOn.url({ password: 'wrong' })); }, 1), 1);
    assert.equal(d?.classification, 'auth');
    assert.match(layer(d!, 'tls')?.summary ?? '', /^server offers TLS \(its greeting\); sslmode disable connects in plain text\. Certificate not read/);
  });

  it('sslmode=require: the certificate of the login\'s own TLS session, 0', async () => {
    let d: Awaited<ReturnType<typeof run>> | undefined;
    assert.equal(await added(tlsOn, async () => { d = await run(tlsOn.url({ params: { sslmode: 'require' } })); }), 0);
    assert.equal(d?.classification, 'ok');
    assert.match(layer(d!, 'tls')?.summary ?? '', /^certificate would fail verification .*\[read off the login\]$/);
    assert.match(String(layer(d!, 'tls')?.details?.['protocol']), /^TLSv1\.[23]$/);
  });

  it('sslmode=verify-full without the CA: cert-untrusted naming the issuer, 1 (the login the application makes too)', async () => {
    let d: Awaited<ReturnType<typeof run>> | undefined;
    assert.equal(await added(tlsOn, async () => { d = await run(tlsOn.url({ params: { sslmode: 'verify-full' } })); }, 1), 1);
    assert.equal(d?.classification, 'cert-untrusted');
    assert.match(layer(d!, 'tls')?.summary ?? '', /^sslmode verify-full rejects the server certificate - cert-untrusted: .*\(issuer CN=runbook fault lab CA, names DNS:localhost/);
  });

  it('sslmode=verify-full with the CA: ok, 0', async () => {
    let d: Awaited<ReturnType<typeof run>> | undefined;
    const url = tlsOn.url({ params: { sslmode: 'verify-full', sslrootcert: tlsOn.caFile! } });
    assert.equal(await added(tlsOn, async () => { d = await run(url); }), 0);
    assert.equal(d?.classification, 'ok', JSON.stringify(d?.checks));
    // The lab's certificate is short-lived: "renew it soon" is a warning, with the same evidence.
    assert.match(layer(d!, 'tls')?.summary ?? '', /^server offers TLSv1\.[23], certificate CN=localhost from CN=runbook fault lab CA, valid \d+ more days.*\[read off the login\]$/);
  });
});

describe('what a connection that ends before a login costs on MariaDB (the runbooks\' probe steps)', () => {
  let tlsOn: LabServer;
  before(async () => { tlsOn = await startMariadb({ tls: 'on' }); });
  after(() => tlsOn?.stop());

  const ctx = (): ExecContext => ({ stepId: 't', signal: AbortSignal.timeout(ANSWER_MS * 2), onOutput: () => undefined, ask: () => Promise.reject(new Error('no')), mask: (t) => t });
  const probe = async (name: 'tcp' | 'tls') => {
    const executors = createExecutors();
    try {
      return await executors.execute({ kind: 'probe', probe: name, url: tlsOn.url(), timeoutMs: ANSWER_MS }, ctx());
    } finally {
      await executors.close();
    }
  };

  it('a tcp probe: 1', async () => {
    assert.equal(await added(tlsOn, async () => assert.equal((await probe('tcp')).status, 'ok'), 1), 1);
  });

  it('a tls probe (it reaches the certificate, which it cannot verify without the CA): 1', async () => {
    assert.equal(await added(tlsOn, async () => assert.equal((await probe('tls')).classification, 'cert-untrusted'), 1), 1);
  });

  it('a peer read (the greeting, then close): 1', async () => {
    assert.equal(await added(tlsOn, async () => assert.equal((await readPeer(tlsOn.host, tlsOn.port, ANSWER_MS)).kind, 'mysql'), 1), 1);
  });
});
