// Honest endings of timeout, ssl and refused against real faults (issue #16): a run that fixed nothing ends
// escalate (exit 1), never resolved, and a dry run ends saying what a real run would have done, never resolved
// (the app restart only shown is not the app restarted). The faults are real: a listener that drops the SYN, one
// that accepts and never speaks, a server that requires TLS (both engines), and healthy servers for the dry runs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { injectFault, startServer, type LabServer } from '../../src/lab/index.js';
import { readEvents, type TranscriptEvent } from './helpers.js';
import { runCliWithAnswers } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-endings-network-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const asked = (events: TranscriptEvent[]) =>
  events.filter((e) => e.type === 'question-asked').map((e) => (e as unknown as { question: { stepId: string } }).question.stepId);

async function run(name: string, inputs: Record<string, string>, answers: string[], flags: string[] = []) {
  const transcript = join(dir, `${name}-${Math.random().toString(36).slice(2)}.jsonl`);
  const args = ['run', name, '--plain', ...flags, '--transcript', transcript, ...Object.entries(inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`])];
  const r = await runCliWithAnswers(args, answers);
  const events = readEvents(transcript);
  return { code: r.code, events, end: events.find((e) => e.type === 'run-finished'), output: r.stdout + r.stderr };
}

// One parent so both groups run side by side: most of the time here is waiting (probe timeouts, the 20 s watch).
describe('honest endings of timeout, ssl, refused and auth', { concurrency: true }, () => {
  describe('not fixed: escalate, never resolved', { concurrency: true }, () => {
    it('timeout, packets dropped (the SYN is never answered), the operator finds no firewall cause: escalate', async () => {
      const fault = await injectFault('dropped', 'postgres');
      try {
        const r = await run('timeout', { url: fault.url }, ['not-the-cause']);
        assert.equal(r.code, 1, r.output);
        assert.deepEqual(asked(r.events), ['firewall']);
        assert.equal(r.end?.outcome, 'escalate');
        assert.match(String(r.end?.message), /still time out/);
      } finally {
        await fault.cleanup();
      }
    });

    it('timeout, a server that accepts TCP and never answers the handshake: escalate', async () => {
      const fault = await injectFault('timeout', 'mariadb');
      try {
        const r = await run('timeout', { url: fault.url }, ['no-idea']);
        assert.equal(r.code, 1, r.output);
        assert.deepEqual(asked(r.events), ['silent-server']);
        assert.equal(r.end?.outcome, 'escalate');
        assert.equal(r.end?.stepId, 'silent-end');
      } finally {
        await fault.cleanup();
      }
    });

    it('ssl on postgres, the server requires TLS, the URL is not corrected now (not-now): escalate', async () => {
      const fault = await injectFault('ssl-required', 'postgres');
      try {
        const r = await run('ssl', { url: fault.url }, ['not-now']);
        assert.equal(r.code, 1, r.output);
        assert.deepEqual(asked(r.events), ['needs-tls']);
        assert.equal(r.end?.outcome, 'escalate');
        assert.match(String(r.end?.message), /TLS still fails: ssl-required/);
      } finally {
        await fault.cleanup();
      }
    });

    // MariaDB's 1045 under require_secure_transport is a wrong password's: no second login over TLS to tell (#31);
    // the ssl runbook sends it to the auth runbook's admin read (test/runbooks/tls-required-login.test.ts).
    it('ssl on mariadb, the server requires TLS: a plain 1045, which the ending sends to the auth runbook with admin_url', async () => {
      const fault = await injectFault('ssl-required', 'mariadb');
      try {
        const r = await run('ssl', { url: fault.url }, []);
        assert.equal(r.code, 1, r.output);
        assert.deepEqual(asked(r.events), []);
        assert.equal(r.end?.outcome, 'escalate');
        assert.equal(r.end?.stepId, 'auth-or-tls');
        assert.match(String(r.end?.message), /Run the auth runbook with admin_url: its secure-transport step/);
      } finally {
        await fault.cleanup();
      }
    });
  });

  describe('a dry run never ends resolved', { concurrency: true }, () => {
    let pgServer: LabServer;
    before(async () => { pgServer = await startServer('postgres'); });
    after(async () => { await pgServer?.stop(); });

    it('refused, the database answers, the app restart is only shown: the ending says a real run would restart it', async () => {
      const r = await run('refused', { url: pgServer.url(), app_service: 'shop-api' }, [], ['--dry-run']);
      assert.equal(r.code, 1, r.output);
      assert.equal(r.end?.outcome, 'escalate');
      assert.equal(r.end?.stepId, 'dry-run-end');
      assert.match(String(r.end?.message), /Dry run: a login with the application's URL succeeds .*a real run would restart shop-api so it reconnects, and nothing was restarted/);
    });

    it('timeout, the path is healthy, the app restart is only shown: the ending says a real run would restart it', async (t) => {
      // flaky-watch watches for 20 s on a healthy path: this test's length, overlapped with the others.
      // A run that ended at other-layer did not meet the premise (a healthy path): a login's first query waited out
      // the probe, read as a pooler's queue, on a starved machine (CI at load 12). Run again, then skip saying why.
      let r = await run('timeout', { url: pgServer.url(), app_service: 'shop-api' }, [], ['--dry-run']);
      for (let again = 0; r.end?.stepId === 'other-layer' && again < 2; again++) {
        r = await run('timeout', { url: pgServer.url(), app_service: 'shop-api' }, [], ['--dry-run']);
      }
      if (r.end?.stepId === 'other-layer') { t.skip(`three times at other-layer: the machine was too loaded for a healthy path (${String(r.end?.message).slice(0, 120)})`); return; }
      assert.equal(r.code, 1, r.output);
      assert.equal(r.end?.outcome, 'escalate');
      assert.equal(r.end?.stepId, 'dry-run-end');
      assert.match(String(r.end?.message), /a real run would restart shop-api so its pool drops dead connections, and nothing was restarted/);
    });

    it('auth, the credentials work and the application is said to be fine: a dry run still does not end resolved', async () => {
      const r = await run('auth', { url: pgServer.url() }, ['app-is-fine'], ['--dry-run']);
      assert.equal(r.code, 1, r.output);
      assert.equal(r.end?.stepId, 'dry-run-end');
      assert.match(String(r.end?.message), /Dry run: nothing was changed\. The credentials in the URL work/);
    });

    it('ssl, TLS off and not asked for: a dry run says what a real run would end with', async () => {
      const r = await run('ssl', { url: pgServer.url({ params: { sslmode: 'disable' } }) }, [], ['--dry-run']);
      assert.equal(r.code, 1, r.output);
      assert.equal(r.end?.stepId, 'dry-run-end');
      assert.match(String(r.end?.message), /What a real run would end with: the URL connects with TLS off/);
    });
  });
});
