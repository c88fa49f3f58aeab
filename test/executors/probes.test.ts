// tcp, tls and dns probes on loopback lab servers (never an outside address).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createExecutors } from '../../src/executors/index.js';
import { injectFault, startMariadb, startPostgres, startSilentServer, type LabServer, type SilentServer } from '../../src/lab/index.js';
import type { ProbeAction } from '../../src/executors/types.js';
import { testContext, timeoutSignal } from './context.js';

const executors = createExecutors();
// 30 s: every probe here expects the server's answer, not its own timeout (~10 ms idle; 3 s could fire on a
// loaded machine, issue #20). Where the timeout is the result, the call sets a short one itself.
const probe = (p: ProbeAction['probe'], extra: Partial<ProbeAction>) =>
  executors.execute({ kind: 'probe', probe: p, timeoutMs: 30_000, ...extra }, testContext());

describe('tcp probe', () => {
  let silent: SilentServer;
  before(async () => { silent = await startSilentServer(); });
  after(() => silent.close());

  it('reports refused for a port nothing listens on', async () => {
    const fault = await injectFault('refused', 'postgres');
    const r = await probe('tcp', { url: fault.url });
    assert.deepEqual([r.status, r.classification], ['failed', 'refused']);
    assert.match(r.error ?? '', /ECONNREFUSED/);
  });

  it('connects to a silent listener (TCP works); db-connect on it times out in the handshake', async () => {
    const tcp = await probe('tcp', { host: '127.0.0.1', port: silent.port });
    assert.deepEqual([tcp.status, tcp.classification], ['ok', 'ok']);
    assert.equal(tcp.details?.address, '127.0.0.1');
    const db = await probe('db-connect', { url: `postgres://u:p@127.0.0.1:${silent.port}/db`, timeoutMs: 500 });
    assert.deepEqual([db.status, db.classification], ['failed', 'timeout']);
  });

  it("returns the engine's timeout status when the step is aborted mid-probe", async () => {
    const started = Date.now();
    const r = await executors.execute({ kind: 'probe', probe: 'db-connect', url: `mysql://u:p@127.0.0.1:${silent.port}/db`, timeoutMs: 600_000 },
      testContext({ signal: timeoutSignal(300) }));
    assert.equal(r.status, 'timeout');
    // Hang guard: idle value ~0.3 s (the abort); a probe that ignored it would wait out its own 600 s.
    assert.ok(Date.now() - started < 30_000, 'the abort ended the probe, not its own timeout');
  });

  it('explains a bad target without crashing or echoing the password', async () => {
    const r = await probe('tcp', { url: 'postgres://app:p@ss#w0rd@127.0.0.1:1/db' });
    assert.deepEqual([r.status, r.classification], ['failed', 'other']);
    assert.equal(r.error, "the password contains '@' — URL-encode it as %40");
    assert.ok(!JSON.stringify(r).includes('w0rd'));
    const noPort = await probe('tcp', { host: '127.0.0.1' });
    assert.match(noPort.error ?? '', /needs a port/);
  });
});

describe('tls probe on PostgreSQL', () => {
  let tlsServer: LabServer;
  let plainServer: LabServer;
  before(async () => {
    [tlsServer, plainServer] = await Promise.all([startPostgres({ tls: 'on' }), startPostgres()]);
  });
  after(() => Promise.all([tlsServer.stop(), plainServer.stop()]));

  it('reports protocol, cipher and certificate fields, trusted with the CA', async () => {
    const r = await probe('tls', { url: tlsServer.url({ params: { sslrootcert: tlsServer.caFile! } }) });
    assert.equal(r.status, 'ok', r.error);
    const d = r.details!;
    assert.equal(d.preamble, 'postgres');
    assert.match(String(d.protocol), /^TLSv1\.[23]$/);
    assert.ok(typeof d.cipher === 'string' && d.cipher.length > 0);
    assert.equal(d.subject, 'CN=localhost');
    assert.equal(d.issuer, 'CN=runbook fault lab CA');
    assert.deepEqual(d.sans, ['DNS:localhost', 'IP Address:127.0.0.1']);
    assert.ok(typeof d.validTo === 'string');
    assert.ok(typeof d.daysToExpiry === 'number' && d.daysToExpiry >= 0 && d.daysToExpiry <= 3);
    assert.equal(d.authorized, true);
    assert.equal(d.hostnameMatches, true);
  });

  it('classifies an unknown CA as cert-untrusted and still shows the certificate', async () => {
    const r = await probe('tls', { url: tlsServer.url() });
    assert.deepEqual([r.status, r.classification], ['failed', 'cert-untrusted']);
    assert.equal(r.details?.authorized, false);
    assert.equal(r.details?.subject, 'CN=localhost');
  });

  it('classifies a name the certificate does not carry as cert-hostname', async () => {
    const r = await probe('tls', { url: tlsServer.url({ params: { sslrootcert: tlsServer.caFile! } }), servername: 'db.example.test' });
    assert.equal(r.classification, 'cert-hostname');
    assert.equal(r.details?.hostnameMatches, false);
  });

  it("classifies a server without TLS (answers 'N') as ssl-unsupported", async () => {
    const r = await probe('tls', { url: plainServer.url() });
    assert.deepEqual([r.status, r.classification], ['failed', 'ssl-unsupported']);
  });
});

describe('tls probe on MariaDB', () => {
  let tlsServer: LabServer;
  let plainServer: LabServer;
  before(async () => {
    [tlsServer, plainServer] = await Promise.all([startMariadb({ tls: 'on' }), startMariadb()]);
  });
  after(() => Promise.all([tlsServer.stop(), plainServer.stop()]));

  it('negotiates TLS after the MySQL handshake and reports the certificate', async () => {
    const r = await probe('tls', { url: tlsServer.url({ params: { 'ssl-ca': tlsServer.caFile! } }) });
    assert.equal(r.status, 'ok', r.error);
    assert.match(String(r.details?.serverVersion), /MariaDB/);
    assert.equal(r.details?.subject, 'CN=localhost');
  });

  it('classifies a server without TLS as ssl-unsupported', async () => {
    const r = await probe('tls', { url: plainServer.url() });
    assert.deepEqual([r.status, r.classification], ['failed', 'ssl-unsupported']);
  });
});

describe('dns probe', () => {
  it('resolves localhost from the hosts file without asking DNS', async () => {
    const r = await probe('dns', { host: 'localhost' });
    assert.equal(r.status, 'ok');
    assert.ok((r.details?.addresses as string[]).includes('127.0.0.1'));
    assert.equal(r.details?.dnsA, undefined);
  });

  it('takes the host from a URL and accepts IP literals', async () => {
    const r = await probe('dns', { url: 'postgres://u:p@127.0.0.1:5432/db' });
    assert.deepEqual(r.details?.addresses, ['127.0.0.1']);
  });
});
