// The ssl runbook against a server whose TLS layer refuses the client's certificate (issue #35): an expired client
// certificate sent to PostgreSQL (hostssl … cert) and to MariaDB (REQUIRE X509), both checking it against the lab CA.
// The client step is client-cert-rejected, and the run goes on to the client-cert-rejected step's advice (renew
// the client certificate, the server's CA for clients, its CRL), never "Not a TLS problem" (docs/runbooks/ssl.md,
// "Review").
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { injectFault, labClientCerts, type InjectedFault, type LabEngine } from '../../src/lab/index.js';
import { readEvents, type TranscriptEvent } from './helpers.js';
import { runCliWithAnswers } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-ssl-client-cert-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const engine of ['postgres', 'mariadb'] as LabEngine[]) {
  describe(`ssl: the server refuses an expired client certificate (${engine})`, () => {
    let fault: InjectedFault;
    let events: TranscriptEvent[] = [];
    before(async () => {
      fault = await injectFault('client-cert', engine);
      const { files } = await labClientCerts();
      const url = new URL(fault.url);
      url.searchParams.set('sslcert', files.expired.cert);
      url.searchParams.set('sslkey', files.expired.key);
      const transcript = join(dir, `${engine}.jsonl`);
      await runCliWithAnswers(['run', 'ssl', '--plain', '--transcript', transcript, '--input', `url=${url.href}`], ['not-now']);
      events = readEvents(transcript);
    });
    after(async () => { await fault?.cleanup(); });

    it('the client step is client-cert-rejected, with the server\'s alert', () => {
      const client = events.find((e) => e.type === 'step-finished' && e.stepId === 'client') as { result?: { classification?: string; error?: string } };
      assert.equal(client.result?.classification, 'client-cert-rejected');
      assert.match(String(client.result?.error), /alert certificate expired/);
    });

    it('the runbook advises on the client certificate, never "Not a TLS problem"', () => {
      const started = events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
      assert.deepEqual(started.slice(-2), ['client', 'client-cert-rejected'], started.join(','));
      const asked = events.find((e) => e.type === 'question-asked') as { question?: { stepId?: string; action?: { instructions?: string } } } | undefined;
      assert.equal(asked?.question?.stepId, 'client-cert-rejected');
      assert.match(String(asked?.question?.action?.instructions), /certificate expired.*renew the client certificate/s);
      const end = events.find((e) => e.type === 'run-finished') as { outcome?: string; stepId?: string; message?: string } | undefined;
      assert.deepEqual([end?.outcome, end?.stepId], ['escalate', 'escalate'], end?.message);
      assert.doesNotMatch(String(end?.message), /Not a TLS problem/);
    });
  });
}
