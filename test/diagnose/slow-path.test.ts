// Slow is not silent (issue #48): a path that adds 2 s each way between the application and PostgreSQL makes the
// TLS layer time out at a 3 s limit, yet the server answers (at about 4 s). Diagnose must name it slow, with the
// time, and keep "sends nothing back" for a listener that stays silent longer than it waited. The delay is a relay
// on loopback that holds every chunk 2 s in each direction; the silent one is the lab's listener that never speaks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { startMariadb, startPostgres, startSilentServer, type LabServer, type SilentServer } from '../../src/lab/index.js';
import { delayingRelay } from './delaying-relay.js';
import { assertAdviceAgrees } from './advice-agrees.js';

const DELAY_MS = 2_000;
const LIMIT_MS = 3_000;

// Nearly all of each case is waiting (a relay's seconds, 9 s of listening to silence): every case has a relay or
// listener of its own, so the two engines' groups run side by side and their cases beside each other.
describe('slow paths', { concurrency: 2 }, () => {
describe('a slow path is not a silent server', { concurrency: true }, () => {
  let server: LabServer;
  let silent: SilentServer;
  before(async () => { [server, silent] = await Promise.all([startPostgres(), startSilentServer()]); });
  after(async () => { await Promise.all([server?.stop(), silent?.close()]); });

  it('2 s each way, a 3 s limit: timeout, named slow with the time the answer came, never "sends nothing back"', async () => {
    const relay = await delayingRelay(server.port, DELAY_MS);
    try {
      const d = await diagnose({ url: server.url({ port: relay.port }), from: 'test' }, { timeoutMs: LIMIT_MS });
      assert.equal(d.classification, 'timeout', JSON.stringify(d.checks));
      const failed = d.checks.find((c) => c.status === 'failed');
      const answered = Number(failed?.details?.answeredMs);
      assert.ok(answered > LIMIT_MS && answered < LIMIT_MS * 3, `the answer's time: ${answered} ms`);
      assert.match(failed?.summary ?? '', /the server answers, but slowly: its first answer came \d+(\.\d)? s after the request, past the 3 s limit/);
      assert.match(d.finding, /^The server answers, but slowly/);
      assert.doesNotMatch(`${d.finding} ${failed?.summary}`, /sends nothing|firewall .*dropping packets:/);
    } finally {
      relay.close();
    }
  });

  it('a listener that never answers: silence, listened to for 3× the limit; the timeout runbook calls it silent', async () => {
    const url = `postgres://app:pw@127.0.0.1:${silent.port}/db`;
    const d = await diagnose({ url, from: 'test' }, { timeoutMs: LIMIT_MS });
    assert.equal(d.classification, 'timeout', JSON.stringify(d.checks));
    const failed = d.checks.find((c) => c.status === 'failed');
    assert.match(failed?.summary ?? '', /sends nothing back.*nothing came back within 9 s either \(3× the limit\): silence, not a slow answer/);
    assert.equal(failed?.details?.answeredMs, undefined);
    const { path } = await assertAdviceAgrees(url, d, { steps: ['silent-server'], timeoutMs: LIMIT_MS });
    assert.ok(path.includes('patient-login'), path.join(' → ')); // given 20 s, still nothing
  });

  // Within the limit but slowly (1 s each way: the first answer at 2 s of a 3 s limit): a login needs several such
  // round trips. Diagnose names it slow, and the timeout runbook, whose login given 20 s finishes, ends at
  // slow-path: never the silent server's or the firewall's advice (#48).
  it('1 s each way: slow within the limit; the timeout runbook\'s dry run ends at slow-path', async () => {
    const relay = await delayingRelay(server.port, 1_000);
    try {
      const url = server.url({ port: relay.port });
      const d = await diagnose({ url, from: 'test' }, { timeoutMs: LIMIT_MS });
      assert.deepEqual([d.classification, d.runbook], ['timeout', 'timeout'], JSON.stringify(d.checks));
      assert.match(d.finding, /^The server answers, but slowly: its first answer came \d+(\.\d)? s after the request/);
      const { path } = await assertAdviceAgrees(url, d, { steps: ['slow-path'], timeoutMs: LIMIT_MS });
      assert.ok(!path.includes('silent-server') && !path.includes('firewall'), path.join(' → '));
    } finally {
      relay.close();
    }
  });
});

// MySQL/MariaDB (#48): the login's own connection is the evidence (no early read: each connection counts against
// the host's max_connect_errors). A greeting that came, late, within the limit is named slow with its time; one
// that did not come within the limit is waited for by one late read of 3× the limit, so silence is measured too.
describe('a slow path to MariaDB is not a silent server', { concurrency: true }, () => {
  let server: LabServer;
  let silent: SilentServer;
  before(async () => { [server, silent] = await Promise.all([startMariadb(), startSilentServer()]); });
  after(async () => { await Promise.all([server?.stop(), silent?.close()]); });

  const through = async (delayMs: number) => {
    const relay = await delayingRelay(server.port, delayMs);
    try {
      return await diagnose({ url: server.url().replace(`:${server.port}/`, `:${relay.port}/`), from: 'test' }, { timeoutMs: LIMIT_MS });
    } finally {
      relay.close();
    }
  };

  it('2 s each way: the greeting came at 2 s, the login ran out: slow, with the greeting\'s time', async () => {
    const d = await through(DELAY_MS);
    assert.equal(d.classification, 'timeout', JSON.stringify(d.checks));
    assert.ok(d.phases.greetingMs! >= DELAY_MS - 100, JSON.stringify(d.phases));
    const failed = d.checks.find((c) => c.status === 'failed');
    assert.match(failed?.summary ?? '', /the server answers, but slowly: its greeting came \d+(\.\d)? s after TCP was up, and the login did not finish within the 3 s limit/);
    assert.match(d.finding, /^The server answers, but slowly: its greeting came/);
    assert.doesNotMatch(`${d.finding} ${failed?.summary}`, /sends nothing|firewall .*dropping packets:/);
  });

  it('4 s each way: no greeting within the limit; the late read hears it at 4 s: slow, not silence', async () => {
    const d = await through(4_000);
    assert.equal(d.classification, 'timeout', JSON.stringify(d.checks));
    const failed = d.checks.find((c) => c.status === 'failed');
    const answered = Number(failed?.details?.answeredMs);
    assert.ok(answered > LIMIT_MS && answered < LIMIT_MS * 3, `the greeting's time: ${answered} ms`);
    assert.match(failed?.summary ?? '', /its first answer came \d+(\.\d)? s after the request, past the 3 s limit \(a MySQL\/MariaDB greeting/);
    assert.equal(d.phases.stalledIn, 'greeting', JSON.stringify(d.phases));
  });

  it('a listener that never answers a mysql:// URL: silence, listened to for 3× the limit', async () => {
    const d = await diagnose({ url: `mysql://app:pw@127.0.0.1:${silent.port}/db`, from: 'test' }, { timeoutMs: LIMIT_MS });
    assert.equal(d.classification, 'timeout', JSON.stringify(d.checks));
    const failed = d.checks.find((c) => c.status === 'failed');
    assert.match(failed?.summary ?? '', /nothing came back within 9 s either \(3× the limit\): silence, not a slow answer/);
    assert.equal(failed?.details?.silentMs, 9_000);
  });
});
});
