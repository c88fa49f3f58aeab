// The other runbooks through the CLI against real faults: they reach the right step with the right evidence.
// stdin is closed, so a run stops (safely) at its first manual question; that is where we look.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { injectFault, labServerInfo, startServer, type LabServer } from '../../src/lab/index.js';
import { readEvents, runCli, type TranscriptEvent } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-scenarios-'));
let pgServer: LabServer;
let mariaServer: LabServer;
before(async () => { [pgServer, mariaServer] = await Promise.all([startServer('postgres'), startServer('mariadb')]); });
after(async () => { await Promise.all([pgServer?.stop(), mariaServer?.stop()]); rmSync(dir, { recursive: true, force: true }); });

async function run(name: string, inputs: Record<string, string>): Promise<{ code: number | null; events: TranscriptEvent[] }> {
  const transcript = join(dir, `${name}-${Math.random().toString(36).slice(2)}.jsonl`);
  const args = ['run', name, '--plain', '--transcript', transcript, ...Object.entries(inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`])];
  const r = await runCli(args);
  return { code: r.code, events: readEvents(transcript) };
}

const finished = (events: TranscriptEvent[], id: string) =>
  events.find((e) => e.type === 'step-finished' && e.stepId === id) as unknown as { result: { status: string; classification?: string; rows?: Record<string, unknown>[] } } | undefined;
const asked = (events: TranscriptEvent[]) =>
  events.filter((e) => e.type === 'question-asked').map((e) => (e as unknown as { question: { stepId: string } }).question.stepId);

describe('auth', () => {
  for (const engine of ['postgres', 'mariadb'] as const) {
    it(`${engine}: a wrong password is told apart from an unknown user with the admin connection`, async () => {
      const server = engine === 'postgres' ? pgServer : mariaServer;
      const fault = await injectFault('auth', engine, { server });
      const { events } = await run('auth', { url: fault.url, admin_url: server.adminUrl() });
      assert.equal(finished(events, 'login')?.result.classification, 'auth');
      assert.equal(finished(events, 'account')?.result.rows?.length, 1, 'the user exists');
      assert.deepEqual(asked(events), ['password-rejected']);
    });
  }

  // The server names the account problem itself: no admin URL is needed to reach the right advice.
  for (const [kind, engine, step] of [['account-locked', 'postgres', 'locked-account'], ['account-locked', 'mariadb', 'locked-account'],
    ['password-expired', 'mariadb', 'locked-account'], ['privilege', 'postgres', 'no-connect']] as const) {
    it(`${engine}: ${kind} goes straight to ${step}`, async () => {
      const server = engine === 'postgres' ? pgServer : mariaServer;
      const fault = await injectFault(kind, engine, { server });
      const { events } = await run('auth', { url: fault.url });
      assert.equal(finished(events, 'login')?.result.classification, kind);
      assert.deepEqual(asked(events), [step]);
    });
  }

  it('PostgreSQL without TLS, no pg_hba.conf entry: host rules, not the TLS advice', async () => {
    const fault = await injectFault('no-hba-entry', 'postgres');
    try {
      // TCP is refused to everyone (only hostssl lines): the administrator comes in over the Unix socket.
      const server = fault.server!;
      const socketDir = labServerInfo(server)!.dir;
      const adminUrl = `postgresql://${server.superuser}@/${server.database}?host=${encodeURIComponent(socketDir)}&port=${server.port}`;
      const { events } = await run('auth', { url: fault.url, admin_url: adminUrl });
      assert.equal(finished(events, 'login')?.result.classification, 'auth');
      assert.equal(finished(events, 'account')?.result.status, 'ok', 'the admin query ran over the socket');
      assert.equal(finished(events, 'hba-rules')?.result.status, 'ok');
      assert.deepEqual(asked(events), ['fix-hba']);
    } finally {
      await fault.cleanup();
    }
  });

  it('a missing database lists the databases that exist', async () => {
    const fault = await injectFault('database-missing', 'postgres', { server: pgServer });
    const { events } = await run('auth', { url: fault.url, admin_url: pgServer.adminUrl() });
    assert.equal(finished(events, 'login')?.result.classification, 'database-missing');
    assert.match(String(finished(events, 'databases')?.result.rows?.[0]?.database_list), /app_db/);
    assert.deepEqual(asked(events), ['missing-db']);
  });
});

describe('ssl', () => {
  it('a healthy plain-text server resolves with the session evidence', async () => {
    const { code, events } = await run('ssl', { url: mariaServer.url() });
    assert.equal(code, 0);
    assert.equal(finished(events, 'server-tls')?.result.classification, 'ssl-unsupported');
    assert.equal(finished(events, 'client')?.result.status, 'ok');
  });

  it('PostgreSQL requiring TLS: the URL in plain text is named as the problem', async () => {
    const fault = await injectFault('ssl-required', 'postgres');
    try {
      const { events } = await run('ssl', { url: fault.url });
      assert.equal(finished(events, 'client')?.result.classification, 'ssl-required');
      assert.deepEqual(asked(events), ['needs-tls']);
    } finally {
      await fault.cleanup();
    }
  });
});

describe('refused', () => {
  it('a standby that takes no logins ends naming the standby', async () => {
    const fault = await injectFault('standby', 'postgres');
    try {
      const { code, events } = await run('refused', { url: fault.url });
      assert.equal(code, 1);
      assert.equal(finished(events, 'verify')?.result.classification, 'standby');
      const end = events.find((e) => e.type === 'run-finished') as unknown as { outcome: string; endStep?: string; message?: string };
      assert.equal(end.outcome, 'escalate');
      assert.match(JSON.stringify(end), /standby/);
    } finally {
      await fault.cleanup();
    }
  });


  it('nothing listening: the tcp probe says refused and the runbook looks for the service', async () => {
    const fault = await injectFault('refused', 'postgres');
    const { events } = await run('refused', { url: fault.url });
    assert.equal(finished(events, 'listening')?.result.classification, 'refused');
    // In a container the loopback URL is questioned first; on a host the runbook checks the service, then asks
    // where the database runs (elsewhere), or, when other database servers run here, about the port (wrong-port).
    const questions = asked(events);
    assert.equal(questions.length, 1);
    if (questions[0] === 'elsewhere' || questions[0] === 'wrong-port') assert.equal(finished(events, 'service-status')?.result.status, 'ok');
    else assert.equal(questions[0], 'localhost-trap');
  });
});
