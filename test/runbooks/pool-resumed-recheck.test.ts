// The built-in pool-exhausted after a resume: its last check before `resolved`, limits-now, routes on its rows
// ("a user still at its own limit → still-at-limit"). A run killed -9 after limits-now found no user at its limit
// and before it branched to `resolved`, the application's role at its CONNECTION LIMIT again meanwhile, then
// resumed: the check ran again and ended ok "as before", and the run ended resolved (exit 0) while the application's
// logins were refused (stop 78 judged the check by status; a probe of stop 79). Now the check's new rows route to
// still-at-limit, so the run escalates, naming it; with nothing changed it stays resolved.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { startServer, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { BIN, cli, finished, scratch, transcriptLines } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const HOOK = join(import.meta.dirname, '..', 'helpers', 'kill-before-line.cjs');
const LIMIT = 2;

async function appLogins(server: LabServer, n: number): Promise<pg.Client[]> {
  const out: pg.Client[] = [];
  for (let i = 0; i < n; i++) {
    const c = new pg.Client({ connectionString: server.url() });
    c.on('error', () => undefined);
    await c.connect();
    out.push(c);
  }
  return out;
}
const closeAll = (cs: pg.Client[]) => Promise.all(cs.splice(0).map((c) => c.end().catch(() => undefined)));

/** pool-exhausted with the application's role at its limit; the holders go at the role-limit question; the run
 *  is killed -9 just before it writes limits-now's branch. Returns the transcript and the run's environment. */
async function killedAfterLimitsNow(t: TestContext, server: LabServer, held: pg.Client[]) {
  const dir = scratch(t);
  const transcript = join(dir, 't.jsonl');
  const env = { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: join(dir, 'state'), KILL_BEFORE_LINE: '"from":"limits-now"' };
  const args = ['run', 'pool-exhausted', '--plain', '--transcript', transcript,
    '--input', `url=${server.adminUrl()}`, '--input', `app_url=${server.url()}`, '--input', 'app_processes=0'];
  const child = spawn(process.execPath, ['--require', HOOK, BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const answered = new Set<string>();
  child.stdin.on('error', () => undefined);
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    // Enter keeps the thresholds; at the role's limit explained, its holders are gone and the run goes on.
    if (!answered.has('lower') && out.includes('start    lower-thresholds')) { answered.add('lower'); child.stdin.write('\n'); }
    if (!answered.has('role') && out.includes('start    role-limit ')) {
      answered.add('role');
      void closeAll(held).then(() => child.stdin.write('continue\n'));
    }
  });
  const signal = await new Promise((resolve) => child.on('close', (_c, s) => resolve(s)));
  assert.equal(signal, 'SIGKILL', out.slice(-2500));
  const last = transcriptLines(transcript).at(-1);
  assert.deepEqual([last?.type, last?.stepId], ['step-finished', 'limits-now'], 'killed after the check, before its branch');
  return { transcript, env };
}

/** Resumed (without the hook) in the run's environment; its secret inputs, recorded masked, given again. */
const resumed = (server: LabServer, transcript: string, env: NodeJS.ProcessEnv) =>
  cli(['resume', transcript, '--plain', '--input', `url=${server.adminUrl()}`, '--input', `app_url=${server.url()}`], { env });

describe('pool-exhausted killed -9 after its last check, resumed', () => {
  let server: LabServer;
  const held: pg.Client[] = [];
  before(async () => {
    server = await startServer('postgres');
    await adminQuery(server, `ALTER ROLE ${server.appUser} CONNECTION LIMIT ${LIMIT}`);
  });
  after(async () => { await closeAll(held); await server?.stop(); });

  it("the application's role at its limit again meanwhile: the check's rows route to still-at-limit, escalate", { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    held.push(...await appLogins(server, LIMIT));
    const { transcript, env } = await killedAfterLimitsNow(t, server, held);
    held.push(...await appLogins(server, LIMIT));
    try {
      const r = await resumed(server, transcript, env);
      const end = finished(transcriptLines(transcript));
      assert.equal(end?.outcome, 'escalate', r.stdout + r.stderr);
      assert.match(end!.message, /'limits-now', checked again after the resume, ended ok with a result that would now take 'limits-now' to 'still-at-limit' \(it took it to 'resolved'\)/);
      assert.notEqual(r.code, 0);
    } finally {
      await closeAll(held);
    }
  });

  it('nothing changed meanwhile: resolved, the check taken again deciding as before', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    held.push(...await appLogins(server, LIMIT));
    const { transcript, env } = await killedAfterLimitsNow(t, server, held);
    const r = await resumed(server, transcript, env);
    const end = finished(transcriptLines(transcript));
    assert.equal(end?.outcome, 'resolved', r.stdout + r.stderr);
    assert.match(end!.message, /'limits-now', checked again after the resume, ended ok as before, and decides the run's routes as it did then/);
    assert.equal(r.code, 0);
  });
});
