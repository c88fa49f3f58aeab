// A dry run of every built-in runbook against its fault, on both engines, leaves the server's sessions and
// settings exactly as they were: the same session ids (the lab's held sessions included: a dry run of
// pool-exhausted once killed 14 of 15) and the same value for every setting. The runbook's own connections
// are excluded while it runs and must be gone once it has finished.
//
// One evidence record, two readers (#48): diagnose's classification of the fault and the runbook's advice agree. The
// runbook diagnose names is the scenario's, its dry run reaches the step that advises on that classification (the
// same table the error docs show: src/diagnose/advice-steps.ts), and diagnose reads the same fault after it.
//
// refused and timeout have no server behind their fault URL: there the snapshot is of a lab server of the same
// engine running on this host (one a runbook acting on "the database on this host" could reach).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { SCENARIOS } from '../../src/cli/commands/demo.js';
import { injectFault, startServer, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { until } from '../helpers/poll.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { adviceSteps } from '../../src/diagnose/advice-steps.js';
import { readEvents } from './helpers.js';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-dry-untouched-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Snapshot { sessions: string[]; settings: Record<string, string> }

/** Who is connected (one line per session, by id and user) and every server setting, seen from a fresh admin
 *  connection that leaves itself out. */
async function snapshot(server: LabServer, tls: boolean): Promise<Snapshot> {
  const ssl = tls ? { rejectUnauthorized: false } : undefined;   // the lab's own server: what matters here is who is connected
  if (server.engine === 'postgres') {
    const c = new pg.Client({ connectionString: server.adminUrl(), ...(ssl ? { ssl } : {}) });
    await c.connect();
    try {
      const s = await c.query<{ pid: number; usename: string | null; backend_type: string }>(
        'SELECT pid, usename, backend_type FROM pg_stat_activity WHERE pid <> pg_backend_pid() ORDER BY pid');
      const g = await c.query<{ name: string; setting: string }>('SELECT name, setting FROM pg_settings ORDER BY name');
      return { sessions: s.rows.map((r) => `${r.pid} ${r.usename ?? ''} ${r.backend_type}`), settings: Object.fromEntries(g.rows.map((r) => [r.name, r.setting])) };
    } finally { await c.end(); }
  }
  const c = await mysql.createConnection({ uri: server.adminUrl(), ...(ssl ? { ssl } : {}) });
  try {
    const [s] = await c.query('SELECT ID AS id, USER AS user FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() ORDER BY ID');
    const [g] = await c.query('SHOW GLOBAL VARIABLES');
    return {
      sessions: (s as { id: number; user: string }[]).map((r) => `${r.id} ${r.user}`),
      settings: Object.fromEntries((g as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, String(r.Value)])),
    };
  } finally { await c.end(); }
}

/** The sessions before a run, once settled: an admin connection that a snapshot just closed (this case's or the
 *  one before's) leaves the server's list a moment after it ends, and seen before the run but gone after, it read
 *  as a session the dry run ended. Two snapshots 100 ms apart that agree; 5 s only stops a test that would hang. */
async function settledSnapshot(server: LabServer, tls: boolean): Promise<Snapshot> {
  let last = await snapshot(server, tls);
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await snapshot(server, tls);
    if (next.sessions.join('\n') === last.sessions.join('\n')) return next;
    last = next;
  }
  return last;
}

/** Inputs beyond the scenario's own that keep a dry run short: pool-exhausted's recheck would otherwise poll for a
 *  minute (nothing was freed), since every target is met at once with a target of 1000%. */
const EXTRA: Record<string, Record<string, string>> = { 'pool-exhausted': { target_percent: '1000' } };
/** diagnose's limit: the timeout fault's silent listener costs 4 times it (the limit, then a read of 3 times it), so
 *  it is short there; elsewhere it is long, since a full server's refusal came after 2 s at load 12 (a CI run) and
 *  diagnose read the slow login as a timeout. */
const diagnoseMs = (fault: string): number => (fault === 'timeout' ? 2_000 : 10_000);

// One parent so the two engines' groups run side by side: each snapshots only servers of its own (its faults' and
// its bystander), and most of a case is waiting (servers starting, probe timeouts, the CLI's logins). Within a
// group one case at a time (concurrency 1: a describe takes its parent's otherwise): a snapshot sees every session.
describe('a dry run of every built-in leaves the server as it was', { concurrency: true }, () => {
  for (const engine of ['postgres', 'mariadb'] as LabEngine[]) {
    describe(`a dry run of every built-in on ${engine} leaves the server as it was`, { concurrency: 1 }, () => {
      let bystander: LabServer;
      before(async () => { bystander = await startServer(engine); });
      after(async () => { await bystander?.stop(); });

      // The pooler scenario builds its own PgBouncer: its dry run is in test/runbooks/pool-pooler.test.ts.
      for (const [name, scenario] of Object.entries(SCENARIOS).filter(([, s]) => !s.start)) {
        it(`${name} (${scenario.fault})`, async () => {
          const fault = await injectFault(scenario.fault, engine);
          try {
            const server = fault.server ?? bystander;
            const tls = scenario.fault === 'ssl-required' && server === fault.server;
            const found = await diagnose({ url: fault.url, from: 'test' }, { timeoutMs: diagnoseMs(scenario.fault) });
            // MariaDB answers a plain login under require_secure_transport as it answers a wrong password. diagnose
            // cannot tell without a second failed login, names both, and sends the operator to the auth runbook with
            // admin_url, whose secure-transport step reads it and advises TLS (src/diagnose/finding.ts).
            const ambiguous = engine === 'mariadb' && scenario.fault === 'ssl-required';
            if (ambiguous) {
              assert.deepEqual([found.classification, found.runbook], ['auth', 'auth'], found.finding);
              assert.match(found.finding, /require_secure_transport.*Run the auth runbook with admin_url/);
            } else {
              assert.equal(found.runbook, scenario.runbook, `diagnose names the scenario's runbook: ${found.classification}: ${found.finding}`);
            }
            const beforeSnap = await settledSnapshot(server, tls);
            if (fault.held) assert.ok(fault.held.opened > 0 && beforeSnap.sessions.length >= fault.held.opened);
            const transcript = join(dir, `${engine}-${name}.jsonl`);
            // The administrator's login needs TLS too there, as the finding says.
            const adminTls = (u: string) => `${u}${u.includes('?') ? '&' : '?'}sslmode=require`;
            const inputs = { ...scenario.inputs(fault), ...EXTRA[name], ...(ambiguous ? { admin_url: adminTls(fault.server!.adminUrl()) } : {}) };
            const r = await runCli(['run', found.runbook!, '--dry-run', '--plain', '--transcript', transcript,
              ...Object.entries(inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`])]);
            const text = readFileSync(transcript, 'utf8');
            assert.match(text, /"type":"run-finished"/, `the dry run finished (exit ${r.code}):\n${r.stdout}${r.stderr}`);
            assert.ok(!text.includes('"item-finished"') && !text.includes('"loop-started"'), 'no for_each acted');

            // The runbook's own connections close as it exits; the server may take a moment to notice.
            // (MariaDB keeps one extra slot for an administrator: until the runbook's is free, a snapshot cannot log in.)
            // 30 s only stops a test that would hang: a closed connection is gone within milliseconds when idle.
            let afterSnap: Snapshot = { sessions: ['(no snapshot)'], settings: {} };
            await until(async () => {
              try { afterSnap = await snapshot(server, tls); } catch { return false; }
              return afterSnap.sessions.length <= beforeSnap.sessions.length;
            }, 30_000, 'the runbook\'s own connections to be gone', 100).catch(() => undefined);
            assert.deepEqual(afterSnap.sessions, beforeSnap.sessions, 'the same sessions, by id');
            assert.deepEqual(afterSnap.settings, beforeSnap.settings, 'every setting unchanged');
            if (fault.held) assert.equal(fault.held.alive(), fault.held.opened, 'every held session is still connected');

            // The advice agrees with the evidence: the run reached a step that advises on diagnose's class.
            const events = readEvents(transcript);
            const ended = events.find((e) => e.type === 'run-finished') as { stepId?: string } | undefined;
            const started = [...events.filter((e) => e.type === 'step-started').map((e) => String(e.stepId)), String(ended?.stepId)];
            const advising = ambiguous ? ['needs-tls'] : adviceSteps(found.classification);
            assert.ok(started.some((s) => advising.includes(s)), `${found.classification}: the dry run took ${started.join(' → ')}, none of ${advising.join(', ')}`);
            const again = await diagnose({ url: fault.url, from: 'test' }, { timeoutMs: diagnoseMs(scenario.fault) });
            assert.equal(again.classification, found.classification, 'the fault is as diagnose found it');
          } finally {
            await fault.cleanup();
          }
        });
      }
    });
  }
});
