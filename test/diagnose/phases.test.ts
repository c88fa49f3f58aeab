// The phase times in diagnose's record, and the client's own connect timeout held against the login (issue #48):
// a login diagnose completes within its own limit, behind a path that adds 500 ms each way, outlasts a URL's
// connect_timeout of 2 s, so the application fails where diagnose connected. Real PostgreSQL, a delaying relay.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { delayingRelay } from './delaying-relay.js';

describe('phase times', () => {
  let server: LabServer;
  before(async () => { server = await startPostgres(); });
  after(async () => { await server?.stop(); });

  it('a healthy login: every phase timed, no client timeout in the URL, every layer works', async () => {
    const d = await diagnose({ url: server.url(), from: 'test' }, { timeoutMs: 10_000 });
    assert.equal(d.classification, 'ok', JSON.stringify(d.checks));
    for (const phase of ['dnsMs', 'tcpMs', 'tlsMs', 'loginMs', 'firstQueryMs'] as const) {
      assert.ok(typeof d.phases[phase] === 'number' && d.phases[phase]! >= 0, `${phase}: ${JSON.stringify(d.phases)}`);
    }
    assert.equal(d.phases.clientTimeoutMs, undefined);
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
    } finally {
      relay.close();
    }
  });
});
