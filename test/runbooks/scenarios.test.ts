// The other runbooks through the CLI against real faults: they reach the right step with the right evidence.
// stdin is closed, so a run stops (safely) at its first manual question; that is where we look. PostgreSQL runs on
// 15 and 18 (catalog views, 57P03 and pg_hba messages differ between majors); faults on a shared server reuse it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { injectFault, labServerInfo, startServer, type FaultKind, type LabServer } from '../../src/lab/index.js';
import { readEvents, runCli, type TranscriptEvent } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-scenarios-'));
let pgServer: LabServer;
let pg18Server: LabServer;
let mariaServer: LabServer;
before(async () => {
  [pgServer, pg18Server, mariaServer] = await Promise.all([startServer('postgres'), startServer('postgres', { postgresVersion: '18' }), startServer('mariadb')]);
});
after(async () => { await Promise.all([pgServer?.stop(), pg18Server?.stop(), mariaServer?.stop()]); rmSync(dir, { recursive: true, force: true }); });

/** The targets: PostgreSQL 15 and 18, MariaDB; `version` is what a fault that starts its own server is given. */
const TARGETS = [
  { name: 'postgres', engine: 'postgres', server: () => pgServer, version: {} },
  { name: 'postgres 18', engine: 'postgres', server: () => pg18Server, version: { postgresVersion: '18' } },
  { name: 'mariadb', engine: 'mariadb', server: () => mariaServer, version: {} },
] as const;
const PG_MAJORS = TARGETS.filter((t) => t.engine === 'postgres');

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
/** The instructions of a manual step as the operator saw them. */
const instructions = (events: TranscriptEvent[], id: string): string => {
  const q = events.find((e) => e.type === 'question-asked' && (e as { question?: { stepId?: string } }).question?.stepId === id) as
    { question?: { action?: { instructions?: string } } } | undefined;
  return q?.question?.action?.instructions ?? '';
};

// Three at a time: most of a case is waiting (a server of its own starting, a CLI run's probes). The cases that
// share a server each set up a fault of their own there (a role, a database, a wrong password in the URL).
describe('auth', { concurrency: 3 }, () => {
  for (const { name, engine, server: serverOf } of TARGETS) {
    it(`${name}: a wrong password is told apart from an unknown user with the admin connection`, async () => {
      const server = serverOf();
      const fault = await injectFault('auth', engine, { server });
      const { events } = await run('auth', { url: fault.url, admin_url: server.adminUrl() });
      assert.equal(finished(events, 'login')?.result.classification, 'auth');
      assert.equal(finished(events, 'account')?.result.rows?.length, 1, 'the user exists');
      assert.deepEqual(asked(events), ['password-rejected']);
    });
  }

  // The server names the account problem itself: no admin URL is needed to reach the right advice.
  for (const [kind, target, step] of [['account-locked', 'postgres', 'locked-account'], ['account-locked', 'postgres 18', 'locked-account'],
    ['account-locked', 'mariadb', 'locked-account'], ['password-expired', 'mariadb', 'locked-account'], ['privilege', 'postgres', 'no-connect'],
    ['privilege', 'postgres 18', 'no-connect']] as const) {
    it(`${target}: ${kind} goes straight to ${step}`, async () => {
      const { engine, server: serverOf } = TARGETS.find((t) => t.name === target)!;
      const server = serverOf();
      const fault = await injectFault(kind, engine, { server });
      const { events } = await run('auth', { url: fault.url });
      assert.equal(finished(events, 'login')?.result.classification, kind);
      assert.deepEqual(asked(events), [step]);
    });
  }

  for (const { name, version } of PG_MAJORS) it(`${name} without TLS, no pg_hba.conf entry: host rules, not the TLS advice`, async () => {
    const fault = await injectFault('no-hba-entry', 'postgres', version);
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

  // The server's own words route: a reject line, a client-certificate line, and "no encryption" on a server whose
  // TLS would not help (no line names the client at all). With an admin URL the first matching line is named.
  const HBA: [FaultKind, string, RegExp][] = [
    ['hba-reject', 'fix-hba', /A pg_hba\.conf line rejects this client[\s\S]*line \*\*2\*\*: `host all app_user 127\.0\.0\.1 reject` - it refuses the client/],
    ['client-cert', 'client-cert', /requires a valid client certificate[\s\S]*line 2: `hostssl all app_user 127\.0\.0\.1 cert/],
    ['hba-no-match-tls', 'fix-hba', /no pg_hba\.conf line for this client[\s\S]*No line matches it/],
  ];
  for (const [kind, step, advice] of HBA) for (const { name, version } of PG_MAJORS) {
    it(`${name} ${kind}: ${step}, never "find the current password"; with an admin URL the first matching line is shown`, async () => {
      const fault = await injectFault(kind, 'postgres', version);
      try {
        const bare = await run('auth', { url: fault.url });
        assert.equal(finished(bare.events, 'login')?.result.classification, 'auth');
        assert.deepEqual(asked(bare.events), [step], 'without an admin URL too');
        const { events } = await run('auth', { url: fault.url, admin_url: fault.server!.adminUrl() });
        assert.equal(finished(events, 'hba-rules')?.result.status, 'ok');
        assert.deepEqual(asked(events), [step]);
        assert.match(instructions(events, step), advice);
      } finally {
        await fault.cleanup();
      }
    });
  }

  for (const { name, server: serverOf } of PG_MAJORS) it(`${name}: a missing database lists the databases that exist`, async () => {
    const server = serverOf();
    const fault = await injectFault('database-missing', 'postgres', { server });
    const { events } = await run('auth', { url: fault.url, admin_url: server.adminUrl() });
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

  for (const { name, version } of PG_MAJORS) it(`${name} requiring TLS: the URL in plain text is named as the problem`, async () => {
    const fault = await injectFault('ssl-required', 'postgres', version);
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
  for (const { name, version } of PG_MAJORS) it(`${name}: a standby that takes no logins ends naming the standby`, async () => {
    const fault = await injectFault('standby', 'postgres', version);
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
