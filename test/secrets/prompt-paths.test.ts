// A URL pasted at a secret prompt is used, not its mask: the two built-in paths that ask for one run end to end
// through the CLI in plain mode, the answers typed on stdin, against the lab on PostgreSQL and MariaDB.
// - pool-exhausted started with the application's URL while every ordinary slot is taken: it asks for an
//   administrator URL, gets in through the reserved slot, frees the pool and proves the app connects again.
// - auth started with a wrong password: the operator has a corrected URL, pastes it, and the check passes.
// Neither password appears in anything the run wrote.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { injectFault, startMariadb, startPostgres, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { cli, scratch, transcriptLines } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const dir = scratch({ after });

async function appConnects(engine: LabEngine, url: string): Promise<void> {
  if (engine === 'postgres') {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.end();
  } else {
    const c = await mysql.createConnection({ uri: url, connectTimeout: 3000 });
    await c.end();
  }
}

function assertNoSecret(texts: Record<string, string>, secrets: string[]): void {
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      for (const [where, text] of Object.entries(texts)) assert.ok(!text.includes(form), `a password is in ${where}`);
    }
  }
}

for (const engine of ['postgres', 'mariadb'] as const) {
  describe(`secret prompt answers are used (${engine})`, () => {
    it('pool-exhausted started with the app URL: the admin URL pasted at the prompt frees the pool', { timeout: E2E_TEST_LIMIT_MS }, async () => {
      const fault = await injectFault('too-many-connections', engine);
      try {
        await assert.rejects(appConnects(engine, fault.url), 'the fault is real: the app cannot connect');
        const server = fault.server!;
        const transcript = join(dir, `pool-${engine}.jsonl`);
        const r = await cli(['run', 'pool-exhausted', '--plain', '--yes', '--transcript', transcript,
          '--input', `url=${fault.url}`, '--input', 'idle_minutes=0', '--input', 'app_processes=2', '--input', 'pool_size=2',
          '--input', 'max_overflow=0', '--input', 'other_connections=0'],
        { stdin: `${server.adminUrl()}\n`, env: { DATABASE_URL: '', ADMIN_DATABASE_URL: '', APP_DATABASE_URL: '' }, timeoutMs: 170_000 });
        const lines = transcriptLines(transcript);
        const path = lines.filter((l) => l.type === 'step-started').map((l) => l.stepId);
        assert.ok(path.includes('admin-url') && path.includes('connect-admin'), `took the admin-URL path: ${path.join(' ')}`);
        const connected = lines.find((l) => l.type === 'step-finished' && l.stepId === 'connect-admin') as { result?: { status?: string; error?: string } } | undefined;
        assert.equal(connected?.result?.status, 'ok', `the pasted URL connected: ${connected?.result?.error ?? ''}\n${r.stdout}`);
        const end = lines.find((l) => l.type === 'run-finished') as { outcome?: string; message?: string } | undefined;
        assert.equal(end?.outcome, 'resolved', r.stdout + r.stderr);
        assert.equal(r.code, 0);
        await appConnects(engine, fault.url);
        assert.equal(fault.held!.alive(), 0, 'every held session was ended');
        const answered = lines.find((l) => l.type === 'question-answered' && l.stepId === 'admin-url') as { answer?: string } | undefined;
        assert.equal(answered?.answer, '****', 'the answer is recorded masked');
        assertNoSecret({ stdout: r.stdout, stderr: r.stderr, transcript: readFileSync(transcript, 'utf8') }, [server.superPassword, server.appPassword]);
      } finally {
        await fault.cleanup();
      }
    });
  });
}

describe('auth: the corrected URL pasted at the prompt is the one checked', () => {
  const servers: Partial<Record<LabEngine, LabServer>> = {};
  before(async () => { [servers.postgres, servers.mariadb] = await Promise.all([startPostgres(), startMariadb()]); });
  after(async () => { await Promise.all(Object.values(servers).map((s) => s.stop())); });

  for (const engine of ['postgres', 'mariadb'] as const) {
    it(`on ${engine}: a wrong password, then the right URL pasted: check-new-url passes`, { timeout: E2E_TEST_LIMIT_MS }, async () => {
      const server = servers[engine]!;
      const wrong = `Wr0ng-${Math.random().toString(36).slice(2, 10)}:@/#`;
      const transcript = join(dir, `auth-${engine}.jsonl`);
      const r = await cli(['run', 'auth', '--plain', '--transcript', transcript, '--input', `url=${server.url({ password: wrong })}`],
        { stdin: `have-corrected-url\n${server.url()}\ndeployed\nrestarted\n`, env: { DATABASE_URL: '', ADMIN_DATABASE_URL: '' }, timeoutMs: 110_000 });
      const lines = transcriptLines(transcript);
      const check = lines.find((l) => l.type === 'step-finished' && l.stepId === 'check-new-url') as { result?: { status?: string; error?: string } } | undefined;
      assert.equal(check?.result?.status, 'ok', `the pasted URL logged in: ${check?.result?.error ?? '(not reached)'}\n${r.stdout}`);
      const end = lines.find((l) => l.type === 'run-finished') as { outcome?: string; message?: string } | undefined;
      assert.equal(end?.outcome, 'resolved', r.stdout + r.stderr);
      assert.match(String(end?.message), /corrected URL logs in/);
      assertNoSecret({ stdout: r.stdout, stderr: r.stderr, transcript: readFileSync(transcript, 'utf8') }, [server.appPassword, wrong]);
    });
  }
});
