// A TLS-only policy is not an access rule to remove (issue #48): `hostnossl … reject` ahead of `hostssl … scram`
// refuses a plain-text client with "pg_hba.conf rejects connection …, no encryption"; the fix is TLS on the client
// (sslmode=require), and diagnose must say so. A reject line for every transport stays the access rule it is.
import { assertAdviceAgrees } from './advice-agrees.js';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { labCredentials } from '../../src/lab/credentials.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';

const run = (url: string) => diagnose({ url, from: 'test' }, { timeoutMs: 10_000 });
const { appUser, superuser } = labCredentials();
const admin = `host all ${superuser} 127.0.0.1/32 scram-sha-256`;

describe('pg_hba.conf: reject lines and TLS', () => {
  const servers: LabServer[] = [];
  after(async () => { await Promise.all(servers.map((s) => s.stop())); });
  const start = async (hbaLines: string[]) => { const s = await startPostgres({ tls: 'on', hbaLines }); servers.push(s); return s; };

  it('hostnossl reject, then hostssl scram: a plain-text client is told to use TLS (ssl-required, the ssl runbook), not to remove the line', async () => {
    const s = await start([admin, `hostnossl all ${appUser} 127.0.0.1/32 reject`, 'hostssl all all 127.0.0.1/32 scram-sha-256']);
    const url = s.url({ params: { sslmode: 'disable' } });
    const d = await run(url);
    assert.deepEqual([d.classification, d.runbook], ['ssl-required', 'ssl'], JSON.stringify(d.checks));
    const connect = d.checks.find((c) => c.layer === 'connect');
    assert.match(connect?.summary ?? '', /rejects connection.*no encryption.*the same login succeeds over TLS/);
    await assertAdviceAgrees(url, d);
  });

  it('a reject line for every transport, TLS on: still the access rule (auth), the TLS login refused too', async () => {
    const s = await start([admin, `host all ${appUser} 127.0.0.1/32 reject`, 'hostssl all all 127.0.0.1/32 scram-sha-256']);
    const url = s.url({ params: { sslmode: 'disable' } });
    const d = await run(url);
    assert.deepEqual([d.classification, d.runbook], ['auth', 'auth'], JSON.stringify(d.checks));
    // The access rule's own step, with the administrator's view of pg_hba.conf.
    await assertAdviceAgrees(url, d, { inputs: { admin_url: s.adminUrl() } });
  });
});
