// Servers that require a client certificate, built for real (issue #35): PostgreSQL 15 and 18 with a
// `hostssl … cert` line (and a scram line with clientcert=verify-full), MariaDB with the app's account REQUIRE X509,
// each trusting the lab CA and loading its revocation list. The client sends no certificate, one from a CA the
// server does not know, an expired one, a revoked one, and (the control) a good one. Without one the server's own
// login answer decides (PostgreSQL 28000 "requires a valid client certificate", MariaDB a plain 1045): auth, the
// auth runbook. A certificate the server's TLS layer refuses is a TLS alert before any login: client-cert-rejected,
// the ssl runbook (its client-cert-rejected step: test/runbooks/ssl-client-cert.test.ts). The same class comes out of `diagnose --json` and of a SQL step in a run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { injectFault, labClientCerts, startPostgres, type ClientCertChoice, type InjectedFault, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { readEvents, runCli } from '../runbooks/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-client-cert-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A SQL step whose classification routes, as a runbook author's would.
const RUNBOOK = join(dir, 'client-cert-sql.yaml');
writeFileSync(RUNBOOK, `name: client-cert-sql
title: One SQL step against a server that checks client certificates
inputs:
  url: { required: true, secret: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: read
    sql: { query: "SELECT 1 AS one" }
    on: { client-cert-rejected: cert-rejected, auth: login-refused }
  - id: logged-in
    end: resolved
    message: Logged in.
  - id: cert-rejected
    end: escalate
    message: The server's TLS layer refused the client certificate.
  - id: login-refused
    end: escalate
    message: The server refused the login.
`);

/** The URL with this client certificate (sslcert/sslkey, which both engines' URLs take), or none. */
async function withCert(url: string, choice: ClientCertChoice | undefined): Promise<string> {
  if (!choice) return url;
  const { files } = await labClientCerts();
  const u = new URL(url);
  u.searchParams.set('sslcert', files[choice].cert);
  u.searchParams.set('sslkey', files[choice].key);
  return u.href;
}

interface Diagnosis { classification: string; runbook: string | null; finding: string; checks: { layer: string; status: string; summary: string }[] }

async function diagnoseJson(url: string): Promise<Diagnosis> {
  const r = await runCli(['diagnose', url, '--json', '--timeout', '30s']); // the timeout must not fire (#20)
  return JSON.parse(r.stdout) as Diagnosis;
}

async function sqlStep(url: string, name: string): Promise<{ classification?: string; error?: string; endStep?: unknown }> {
  const transcript = join(dir, `${name}.jsonl`);
  await runCli(['run', RUNBOOK, '--plain', '--transcript', transcript, '--input', `url=${url}`]);
  const events = readEvents(transcript);
  const read = events.find((e) => e.type === 'step-finished' && e.stepId === 'read') as { result?: { classification?: string; error?: string } } | undefined;
  return { ...read?.result, endStep: events.find((e) => e.type === 'run-finished')?.stepId };
}

const CASES: [ClientCertChoice | undefined, string, string | null, string, RegExp][] = [
  [undefined, 'auth', 'auth', 'login-refused', /requires a valid client certificate|Access denied for user 'app_user'/],
  ['other-ca', 'client-cert-rejected', 'ssl', 'cert-rejected', /alert unknown ca/],
  ['expired', 'client-cert-rejected', 'ssl', 'cert-rejected', /alert certificate expired/],
  ['revoked', 'client-cert-rejected', 'ssl', 'cert-rejected', /alert certificate revoked/],
  ['good', 'ok', null, 'logged-in', /^$/],
];

const TARGETS: { engine: LabEngine; name: string; postgresVersion?: '18' }[] = [
  { engine: 'postgres', name: 'PostgreSQL 15 (hostssl … cert)' },
  { engine: 'postgres', name: 'PostgreSQL 18 (hostssl … cert)', postgresVersion: '18' },
  { engine: 'mariadb', name: 'MariaDB (REQUIRE X509)' },
];

for (const { engine, name, postgresVersion } of TARGETS) {
  describe(`client certificates: ${name}`, { concurrency: true }, () => {
    let fault: InjectedFault;
    before(async () => { fault = await injectFault('client-cert', engine, postgresVersion ? { postgresVersion } : {}); });
    after(async () => { await fault?.cleanup(); });

    for (const [choice, classification, runbook, endStep, error] of CASES) {
      it(`${choice ?? 'no'} client certificate → ${classification} (diagnose --json and a SQL step)`, async () => {
        const url = await withCert(fault.url, choice);
        const tag = `${engine}${postgresVersion ?? ''}-${choice ?? 'none'}`;
        const [d, step] = await Promise.all([diagnoseJson(url), sqlStep(url, tag)]);
        assert.equal(d.classification, classification, JSON.stringify(d.checks));
        assert.equal(d.runbook, runbook);
        const connect = d.checks.find((c) => c.layer === 'connect');
        assert.equal(connect?.status, classification === 'ok' ? 'ok' : 'failed', JSON.stringify(d.checks));
        if (classification === 'client-cert-rejected') assert.match(d.finding, /rejected the client's certificate/);
        assert.equal(step.classification ?? 'ok', classification, step.error);
        assert.match(step.error ?? '', error);
        assert.equal(step.endStep, endStep);
      });
    }
  });
}

describe('client certificates: PostgreSQL clientcert=verify-full on a password line', () => {
  let server: LabServer;
  before(async () => {
    server = await startPostgres({ tls: 'on', hbaLines: ['hostssl all app_user 127.0.0.1/32 scram-sha-256 clientcert=verify-full',
      'host all all 127.0.0.1/32 scram-sha-256'] });
  });
  after(async () => { await server?.stop(); });

  it('no certificate: auth (the server asks for one); a revoked one: client-cert-rejected; the good one with the password: ok', async () => {
    const base = server.url({ params: { sslmode: 'require' } });
    const [none, revoked, good] = await Promise.all([diagnoseJson(base), diagnoseJson(await withCert(base, 'revoked')), diagnoseJson(await withCert(base, 'good'))]);
    assert.equal(none.classification, 'auth', JSON.stringify(none.checks));
    assert.match(JSON.stringify(none.checks), /requires a valid client certificate/);
    assert.equal(revoked.classification, 'client-cert-rejected', JSON.stringify(revoked.checks));
    assert.equal(good.classification, 'ok', JSON.stringify(good.checks));
  });
});
