// Honest endings of auth, ssl and refused against real servers (issue #16; pool-exhausted has its own file): a
// run ends resolved only once the application's side works. A corrected URL that logs in is not a fix until the
// application has it; a certificate the URL does not check is still reported; a refusal nobody fixed ends
// escalate. Each not-fixed path ends escalate (exit 1), never resolved.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { injectFault, startServer, type LabServer } from '../../src/lab/index.js';
import { readEvents, type TranscriptEvent } from './helpers.js';
import { runCliAnswering, runCliWithAnswers } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-endings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ending = (events: TranscriptEvent[]) => events.find((e) => e.type === 'run-finished');
const asked = (events: TranscriptEvent[]) =>
  events.filter((e) => e.type === 'question-asked').map((e) => (e as unknown as { question: { stepId: string } }).question.stepId);

async function run(name: string, inputs: Record<string, string>, answers: string[]) {
  const transcript = join(dir, `${name}-${Math.random().toString(36).slice(2)}.jsonl`);
  const args = ['run', name, '--plain', '--transcript', transcript, ...Object.entries(inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`])];
  const r = await runCliWithAnswers(args, answers);
  const events = readEvents(transcript);
  return { code: r.code, events, end: ending(events), output: r.stdout + r.stderr };
}

// PostgreSQL 15 and 18, and MariaDB: the login probes and the catalog queries differ between them.
const TARGETS = [
  { name: 'postgres', engine: 'postgres', version: {} }, { name: 'postgres 18', engine: 'postgres', version: { postgresVersion: '18' } },
  { name: 'mariadb', engine: 'mariadb', version: {} },
] as const;

describe('auth: a corrected URL is a fix only once the application has it', { concurrency: true }, () => {
  const servers: Record<string, LabServer> = {};
  before(async () => {
    const started = await Promise.all(TARGETS.map((t) => startServer(t.engine, t.version)));
    TARGETS.forEach((t, i) => { servers[t.name] = started[i]!; });
  });
  after(async () => { await Promise.all(Object.values(servers).map((s) => s.stop())); });

  for (const { name, engine } of TARGETS) {
    it(`${name}: the corrected URL logs in, but it is not deployed yet: escalate, exit 1`, async () => {
      const server = servers[name]!;
      const fault = await injectFault('auth', engine, { server });
      const r = await run('auth', { url: fault.url }, ['have-corrected-url', server.url(), 'not-yet']);
      assert.equal(r.code, 1, r.output);
      assert.equal(r.end?.outcome, 'escalate');
      assert.equal(r.end?.stepId, 'not-deployed');
      assert.match(String(r.end?.message), /Not resolved yet: the corrected URL logs in/);
      assert.deepEqual(asked(r.events), ['password-rejected', 'new-url', 'deploy-url']);
    });

    it(`${name}: deployed and restarted by hand: resolved, exit 0`, async () => {
      const server = servers[name]!;
      const fault = await injectFault('auth', engine, { server });
      const r = await run('auth', { url: fault.url }, ['have-corrected-url', server.url(), 'deployed', 'restarted']);
      assert.equal(r.code, 0, r.output);
      assert.equal(r.end?.outcome, 'resolved');
      assert.match(String(r.end?.message), /the application has it now/);
      assert.deepEqual(asked(r.events), ['password-rejected', 'new-url', 'deploy-url', 'restart-by-hand']);
    });

    it(`${name}: the credentials work but the application was not restarted: escalate`, async () => {
      const server = servers[name]!;
      const r = await run('auth', { url: server.url() }, ['app-had-stale-secret', 'not-yet']);
      assert.equal(r.code, 1, r.output);
      assert.equal(r.end?.stepId, 'not-restarted');
    });
  }
});

describe('ssl: a certificate the URL does not verify is still reported', { concurrency: true }, () => {
  for (const { name, engine, version } of TARGETS) {
    it(`${name}: an expired certificate under a non-verifying URL: the step says so, and so does the ending`, async () => {
      const server = await startServer(engine, { tls: 'on', cert: 'expired', ...version });
      try {
        // PostgreSQL sslmode=prefer (libpq's default); mysql2 with TLS but rejectUnauthorized false.
        const url = engine === 'postgres' ? server.url({ params: { sslmode: 'prefer' } })
          : server.url({ params: { ssl: JSON.stringify({ rejectUnauthorized: false }) } });
        const r = await run('ssl', { url }, ['noted', 'noted']);
        assert.equal(r.code, 0, r.output);
        assert.equal(r.end?.outcome, 'resolved', 'the application connects with its URL');
        assert.ok(asked(r.events).includes('cert-unchecked'), 'the operator is told about the certificate');
        assert.match(String(r.end?.message), /Warning: the certificate fails verification \(cert-expired/);
      } finally {
        await server.stop();
      }
    });
  }
});

describe('refused: nothing fixed is never resolved', () => {
  it('nothing listening and the operator cannot start it: escalate, exit 1, nothing resolved', async () => {
    const fault = await injectFault('refused', 'postgres');
    try {
      // Which questions come depends on this machine: in a container the loopback URL is questioned first
      // (localhost-trap); with other database servers running here (other tests' servers) the service is found
      // running but not on the URL's port (wrong-port), else nowhere (elsewhere). Whatever the route, nothing is
      // fixed, so the run must not resolve.
      const transcript = join(dir, `refused-${Math.random().toString(36).slice(2)}.jsonl`);
      const cli = await runCliAnswering(['run', 'refused', '--plain', '--transcript', transcript, '--input', `url=${fault.url}`], [
        ['answer one of: url-is-wrong, database-runs-here', 'database-runs-here'],
        ['answer one of: started-it, url-is-wrong, cannot', 'cannot'],
        ['answer one of: url-is-wrong, fixed-server-port', 'url-is-wrong'],
      ]);
      const end = ending(readEvents(transcript));
      assert.equal(cli.code, 1, cli.stdout + cli.stderr);
      assert.equal(end?.outcome, 'escalate');
      assert.ok(['escalate', 'fixed-url'].includes(String(end?.stepId)), String(end?.stepId));
    } finally {
      await fault.cleanup();
    }
  });
});
