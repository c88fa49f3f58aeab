// The built-in auth runbook's REQUIRE X509 route asked whether the URL names a client certificate by matching the
// URL's text, which holds its password: a route a secret flowed into, refused since stop 79
// (test/secrets/secret-routes.test.ts). The login probe says it instead, as `details.clientCert`, from the URL
// the engine parsed, whether or not the login goes through (here to a port nothing listens on).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExecutors } from '../../src/executors/index.js';
import { injectFault } from '../../src/lab/index.js';
import { testContext } from './context.js';

const executors = createExecutors();

test('db-connect says whether the URL names a client certificate, in every spelling, without reading the URL\'s text', async () => {
  const fault = await injectFault('refused', 'postgres');
  const base = new URL(fault.url);
  const cases: [string, string, boolean][] = [
    ['postgres', '?sslcert=/etc/app/client.crt&sslkey=/etc/app/client.key', true],
    ['mysql', '?ssl-cert=/etc/app/client.crt', true],
    ['mysql', `?ssl=${encodeURIComponent('{"cert":"/etc/app/client.crt"}')}`, true],
    ['mysql', `?ssl=${encodeURIComponent('{"rejectUnauthorized":false}')}`, false],
    ['postgres', '?sslmode=require', false],
    ['postgres', '', false],
  ];
  for (const [scheme, query, expected] of cases) {
    const url = `${scheme}://app:pw-with-cert-in-it@${base.hostname}:${base.port}/app${query}`;
    const r = await executors.execute({ kind: 'probe', probe: 'db-connect', url, timeoutMs: 30_000 }, testContext());
    assert.equal(r.details?.clientCert, expected, `${url}: ${JSON.stringify(r.details)}`);
  }
});
