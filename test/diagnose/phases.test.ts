// The phase times in diagnose's record, and the client's own connect timeout held against the login (issue #48):
// a login diagnose completes within its own limit, behind a path that adds 500 ms each way, outlasts a URL's
// connect_timeout of 2 s, so the application fails where diagnose connected. Real PostgreSQL, a delaying relay.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { createSocket, type Socket } from 'node:dgram';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { renderDiagnosis } from '../../src/diagnose/render.js';
import { delayingRelay } from './delaying-relay.js';
import { assertAdviceAgrees } from './advice-agrees.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { readEvents, runCli } from '../runbooks/helpers.js';

// Most of each case is waiting (relays' delays, a RADIUS server that never answers, dry runs whose logins cross a
// slow path, servers starting): the cases are independent (each its own relay, server or fault), so the three groups
// run side by side and the cases of the first group beside each other.
describe('diagnose\'s phase times', { concurrency: 3 }, () => {
  describe('phase times', { concurrency: true }, () => {
    let server: LabServer;
    before(async () => { server = await startPostgres(); });
    after(async () => { await server?.stop(); });

    it('a healthy login: every phase timed, no client timeout in the URL, every layer works', async () => {
      const d = await diagnose({ url: server.url(), from: 'test' }, { timeoutMs: 10_000 });
      assert.equal(d.classification, 'ok', JSON.stringify(d.checks));
      for (const phase of ['dnsMs', 'tcpMs', 'authMs', 'startupMs', 'loginMs', 'firstQueryMs'] as const) {
        assert.ok(typeof d.phases[phase] === 'number' && d.phases[phase]! >= 0, `${phase}: ${JSON.stringify(d.phases)}`);
      }
      // The login's own phases are inside it.
      assert.ok(d.phases.tcpMs! + d.phases.authMs! + d.phases.startupMs! <= d.phases.loginMs! + 2, JSON.stringify(d.phases));
      assert.equal(d.phases.tlsMs, undefined); // the lab server offers no TLS: the login had no TLS phase
      assert.equal(d.phases.clientTimeoutMs, undefined);
      assert.equal(d.phases.stalledIn, undefined);
      assert.match(renderDiagnosis(d, false), /Phases: {3}DNS \d+ ms · TCP \d+ ms · auth \d+ ms · backend start \d+ ms · login in all \d+ ms/);
    });

    it('over TLS: the login\'s own handshake is timed, inside the login', async () => {
      const secure = await startPostgres({ tls: 'on' });
      try {
        const d = await diagnose({ url: secure.url({ params: { sslmode: 'require' } }), from: 'test' }, { timeoutMs: 10_000 });
        assert.equal(d.classification, 'ok', JSON.stringify(d.checks));
        assert.ok(typeof d.phases.tlsMs === 'number' && d.phases.tlsMs >= 0, JSON.stringify(d.phases));
        assert.ok(d.phases.tcpMs! + d.phases.tlsMs + d.phases.authMs! + d.phases.startupMs! <= d.phases.loginMs! + 2, JSON.stringify(d.phases));
      } finally {
        await secure.stop();
      }
    });

    it('500 ms each way and connect_timeout=2: the login works for diagnose and outlasts the client: timeout, the timeout runbook', async () => {
      const relay = await delayingRelay(server.port, 500);
      try {
        const url = server.url({ port: relay.port, params: { connect_timeout: '2' } });
        const d = await diagnose({ url, from: 'test' }, { timeoutMs: 30_000 });
        assert.deepEqual([d.classification, d.runbook], ['timeout', 'timeout'], JSON.stringify(d.checks));
        assert.equal(d.phases.clientTimeoutMs, 2000);
        assert.ok((d.phases.loginMs ?? 0) > 2000, JSON.stringify(d.phases));
        assert.match(d.finding, /^Connected, but slower than the client allows: .*longer than the URL's connect_timeout=2 \(2000 ms\)/);
        // The timeout runbook's own 5 s login finishes or not by a margin; either way it names slow logins, never a
        // firewall or a silent server.
        const { path } = await assertAdviceAgrees(url, d, { timeoutMs: 30_000, steps: ['slow-path', 'flaky', 'flaky-end', 'slower-than-client'] });
        assert.ok(!path.includes('firewall') && !path.includes('silent-server'), path.join(' → '));
      } finally {
        relay.close();
      }
    });
  });

  // Authentication timed apart from TCP and TLS (#48): a RADIUS server that never answers holds PostgreSQL's
  // authentication for its RADIUS timeout (3 s, fixed), on a path that is quick up to it. Diagnose names where the
  // login sat, not a slow path or a firewall.
  describe('a login that sits in authentication', () => {
    let server: LabServer;
    let radius: Socket;
    before(async () => {
      radius = createSocket('udp4'); // bound and silent: takes PostgreSQL's requests, answers none
      await new Promise<void>((resolve) => radius.bind(0, '127.0.0.1', resolve));
      const port = radius.address().port;
      server = await startPostgres({ hbaLines: [
        `host all app_user 127.0.0.1/32 radius radiusservers=127.0.0.1 radiussecrets=s3cret radiusports=${port}`,
        'host all all 127.0.0.1/32 scram-sha-256'] });
    });
    after(async () => { await server?.stop(); radius?.close(); });

    it('TCP and TLS quick, then seconds in authentication: auth, the wait named with its phase', async () => {
      const d = await diagnose({ url: server.url(), from: 'test' }, { timeoutMs: 10_000 });
      assert.deepEqual([d.classification, d.runbook], ['auth', 'auth'], JSON.stringify(d.checks));
      assert.equal(d.phases.stalledIn, 'auth', JSON.stringify(d.phases));
      assert.ok(d.phases.stalledMs! >= 2_500, JSON.stringify(d.phases));
      assert.ok(d.phases.tcpMs! < d.phases.stalledMs!, JSON.stringify(d.phases));
      assert.match(d.finding, /^The login sat \d+(\.\d)? s in authentication before the server refused it, where TCP( and TLS)? took \d+ ms: .*RADIUS/);
      assert.match(renderDiagnosis(d, false), /stopped in auth after \d+ ms/);
      // The auth runbook sends the operator to the external service, never to the role's password.
      const { advice } = await assertAdviceAgrees(server.url(), d);
      assert.match(advice, /RADIUS/);
      assert.doesNotMatch(advice, /Find the current password/);
    });
  });

  describe('phase times on MariaDB', { concurrency: true }, () => {
    let server: LabServer;
    before(async () => { server = await startMariadb(); });
    after(async () => { await server?.stop(); });

    it('the greeting and the authentication are timed on the login\'s own connection', async () => {
      const d = await diagnose({ url: server.url(), from: 'test' }, { timeoutMs: 10_000 });
      assert.equal(d.classification, 'ok', JSON.stringify(d.checks));
      for (const phase of ['tcpMs', 'greetingMs', 'authMs', 'loginMs'] as const) {
        assert.ok(typeof d.phases[phase] === 'number' && d.phases[phase]! >= 0, `${phase}: ${JSON.stringify(d.phases)}`);
      }
      assert.equal(d.phases.startupMs, undefined); // PostgreSQL's backend start only
    });

    // A probe of stop 70: 120 ms each way and mysql2's connectTimeout=300 in the URL: the timeout runbook ended
    // "resolved" on ~900 ms logins while the application's own client (mysql2, given the URL) failed every one. The
    // login that outlasts the URL's own limit is the application's timeout: the runbook names it, never resolved.
    it('120 ms each way and connectTimeout=300: mysql2 fails; the timeout runbook ends at the client\'s limit, not resolved', async (t) => {
      const relay = await delayingRelay(server.port, 120);
      t.after(() => relay.close());
      const url = server.url({ port: relay.port, params: { connectTimeout: '300' } });
      const app = await mysql.createConnection(url).then(async (c) => { await c.end(); return 'connected'; }, (err: Error & { code?: string }) => String(err.code ?? err.message));
      assert.equal(app, 'ETIMEDOUT', 'the application\'s client times out');
      const dir = mkdtempSync(join(tmpdir(), 'runbook-client-limit-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const transcript = join(dir, 't.jsonl');
      const r = await runCli(['run', 'timeout', '--plain', '--yes', '--transcript', transcript, '--input', `url=${url}`]);
      const events = readEvents(transcript);
      const finished = events.find((e) => e.type === 'run-finished');
      assert.equal(finished?.outcome, 'escalate', r.stdout + r.stderr);
      assert.match(r.stdout, /branch +client-limit → slower-than-client/);
      assert.match(r.stdout, /longer than the 300 ms the application's URL gives its client/);
    });
  });
});
