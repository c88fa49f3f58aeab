// Something between the application and the database, for real: HAProxy whose backend is down, HAProxy
// whose one backend slot is held (clients queue, then are closed after its queue timeout), and stunnel
// terminating TLS in front of PostgreSQL. diagnose names each from what the peer did (closed without a
// byte, after how long; a TLS answer to a plain request), where a login alone read "connection lost".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { holdClosedPort, startHaproxy, startPostgres, startStunnel, type ClosedPort, type LabProxy, type LabServer } from '../../src/lab/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEvents } from '../runbooks/helpers.js';
import { dbConnectProbe } from '../../src/executors/probes/db-connect.js';
import { testContext } from '../executors/context.js';
import { runCliWithAnswers } from '../runbooks/answers.js';

const scratch = mkdtempSync(join(tmpdir(), 'runbook-proxies-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** `runbook run refused --plain` at a URL, answering its questions; the run's end and its path. */
async function refused(url: string, answers: string[], backendUrl?: string) {
  const transcript = join(scratch, `refused-${Math.random().toString(36).slice(2)}.jsonl`);
  const backend = backendUrl ? ['--input', `backend_url=${backendUrl}`] : [];
  const r = await runCliWithAnswers(['run', 'refused', '--plain', '--transcript', transcript, '--input', `url=${url}`, ...backend], answers);
  const events = readEvents(transcript);
  return { code: r.code, output: r.stdout + r.stderr, end: events.find((e) => e.type === 'run-finished'),
    path: events.filter((e) => e.type === 'step-started').map((e) => e.stepId) };
}

/** HAProxy's pause between its three retries to a down backend (1 s by default): it closes the client after ~4 × this
 *  instead of ~3 s per attempt, of which diagnose makes three (TLS check, login, peer read). Closed is closed. */
const FAST_RETRY_MS = 200;

const run = (url: string) => diagnose({ url, from: 'test' }, { timeoutMs: 8_000 });
const at = (server: LabServer, port: number): string => server.url().replace(`:${server.port}/`, `:${port}/`);

describe('a proxy between', () => {
  let server: LabServer;
  const proxies: LabProxy[] = [];
  before(async () => { server = await startPostgres(); });
  const closed: ClosedPort[] = [];
  /** A backend port where nothing listens, held so that no concurrent test's server takes it. */
  const deadPort = async (): Promise<number> => { const c = await holdClosedPort(); closed.push(c); return c.port; };
  after(async () => { await Promise.all([server?.stop(), ...proxies.map((p) => p.stop()), ...closed.map((c) => c.close())]); });

  it('HAProxy whose backend is down: proxy-closed, naming the proxy settings to check', async () => {
    const down = await startHaproxy({ backendPort: await deadPort(), connectTimeoutMs: FAST_RETRY_MS });
    proxies.push(down);
    const d = await run(at(server, down.port));
    assert.equal(d.classification, 'proxy-closed', JSON.stringify(d.checks));
    assert.match(d.checks.find((c) => c.classification === 'proxy-closed')?.summary ?? '', /accepted, then closed after [\d.]+ s without sending a byte/);
    assert.match(d.finding, /timeout queue/);
    assert.equal(d.runbook, 'refused');
  });

  it('HAProxy with its backend slot held: the queued client is closed after the queue timeout', async () => {
    const queue = await startHaproxy({ backendPort: server.port, backendMaxconn: 1, queueTimeoutMs: 1000 });
    proxies.push(queue);
    const held = new pg.Client({ connectionString: at(server, queue.port), connectionTimeoutMillis: 30_000 });
    await held.connect();
    try {
      const d = await run(at(server, queue.port));
      assert.equal(d.classification, 'proxy-closed', JSON.stringify(d.checks));
      const seconds = Number(/closed after ([\d.]+) s/.exec(d.checks.find((c) => c.classification === 'proxy-closed')?.summary ?? '')?.[1]);
      // HAProxy never closes a queued client before its queue timeout; load only makes it later.
      assert.ok(seconds >= 0.9, `closed after ${seconds} s: the queue timeout is 1 s`);
    } finally {
      await held.end();
    }
  });

  it('the refused runbook, run for real at HAProxy with its backend down, ends naming the proxy\'s settings', async () => {
    const down = await startHaproxy({ backendPort: await deadPort(), connectTimeoutMs: FAST_RETRY_MS });
    proxies.push(down);
    const r = await refused(at(server, down.port), []);
    assert.equal(r.code, 1, r.output);
    assert.equal(r.end?.outcome, 'escalate');
    assert.equal(r.path.at(-1), 'verify', r.output); // the login check routes on its class; behind-proxy is skipped
    assert.match(String(r.end?.message), /Something between the application and the database.*closed after [\d.]+ s without sending a byte.*backend_url.*timeout queue/s);
  });

  // From the client, a proxy's full queue and its down backend look the same (accepted, closed without a byte); the
  // database's own URL tells them apart, and each ending says what the login behind the proxy showed.
  it('the refused runbook with backend_url, at HAProxy whose backend slot is held: the proxy\'s queue, the database works', async () => {
    const queue = await startHaproxy({ backendPort: server.port, backendMaxconn: 1, queueTimeoutMs: 1000 });
    proxies.push(queue);
    const held = new pg.Client({ connectionString: at(server, queue.port), connectionTimeoutMillis: 30_000 });
    await held.connect();
    try {
      const r = await refused(at(server, queue.port), [], server.url());
      assert.equal(r.end?.outcome, 'escalate', r.output);
      assert.deepEqual(r.path.slice(-2), ['verify', 'behind-proxy'], r.output);
      assert.match(String(r.end?.message), /The database behind the proxy works \(a login took \d+ ms\).*closed after [\d.]+ s without sending a byte.*qcur and scur/s);
    } finally {
      await held.end();
    }
  });

  it('the refused runbook with backend_url, at HAProxy whose backend is down: the database behind it fails too', async () => {
    const dead = await deadPort();
    const down = await startHaproxy({ backendPort: dead, connectTimeoutMs: FAST_RETRY_MS });
    proxies.push(down);
    const r = await refused(at(server, down.port), [], at(server, dead));
    assert.equal(r.end?.outcome, 'escalate', r.output);
    assert.match(String(r.end?.message), /and the database behind it fails too \(.*ECONNREFUSED.*\)/s);
  });

  it('the login step reads the proxy even when the login took most of its timeout', async () => {
    // sslmode prefer behind HAProxy with its backend down: the TLS attempt and the plain one each wait for the
    // proxy's close (3 s here: its retries), as libpq's do. The peer read used to get only what those left of the
    // probe's timeout, so on a loaded machine the runbook saw "connection-lost" and ended at other-layer.
    const down = await startHaproxy({ backendPort: await deadPort() });
    proxies.push(down);
    const r = await dbConnectProbe({ kind: 'probe', probe: 'db-connect', url: at(server, down.port), timeoutMs: 7_000 }, testContext());
    assert.equal(r.classification, 'proxy-closed', `${r.error}`);
    assert.match(String(r.details?.peer), /accepted, then closed after [\d.]+ s without sending a byte/);
  });

  it('stunnel in front of a dead backend: proxy-closed (what is behind it is down), not a TLS matter (#48)', async () => {
    const dead = await startStunnel(await deadPort());
    proxies.push(dead);
    const d = await run(at(server, dead.port));
    assert.deepEqual([d.classification, d.runbook], ['proxy-closed', 'refused'], JSON.stringify(d.checks));
    assert.match(d.checks.find((c) => c.classification === 'proxy-closed')?.summary ?? '', /TLS handshake succeeds from the first byte.*then it closed the TLS session at once.*the service behind the terminator is down/);
  });

  it('stunnel expecting TLS from the first byte: tls-terminator', async () => {
    const tls = await startStunnel(server.port);
    proxies.push(tls);
    const d = await run(at(server, tls.port));
    assert.equal(d.classification, 'tls-terminator', JSON.stringify(d.checks));
    assert.match(d.finding, /sslnegotiation=direct/);
  });
});
