// Never on another target: a run started on lab server A, killed mid-run, resumed with DATABASE_URL naming
// server B. Refused, both servers named (one line each, no password); --retarget does not go with --yes; with
// --retarget the run continues on B and asks again at its destructive step. PostgreSQL and MariaDB, real servers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { procStat } from '../../src/executors/supervise.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, transcriptLines, until, writeRunbook, type Line } from './helpers.js';

const RUNBOOK = `name: retarget
title: Started on one server, resumed on another
inputs:
  url: { required: true, secret: true, type: url, env: DATABASE_URL }
  out: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: look
    sql: { query: "SELECT 1 AS one" }
  - id: slow
    destructive: false
    safe_because: writes only the test's own marker file
    shell: |
      echo slow >> \${{ inputs.out }}
      sleep \${PAUSE:-120}
  - id: mark
    destructive: true
    sql: { query: "CREATE TABLE resumed_here (id int)" }
  - id: done
    end: resolved
    message: marked
`;

const servers: Partial<Record<'postgres' | 'mariadb', [LabServer, LabServer]>> = {};
before(async () => {
  const [a, b, c, d] = await Promise.all([startPostgres(), startPostgres(), startMariadb(), startMariadb()]);
  servers.postgres = [a, b];
  servers.mariadb = [c, d];
});
after(async () => { await Promise.all(Object.values(servers).flat().map((s) => s.stop())); });

const groupAlive = (pgid: number) => readdirSync('/proc').some((p) => { const st = /^\d+$/.test(p) ? procStat(p) : undefined; return st?.pgid === pgid && st.state !== 'Z'; });
const hasTable = async (s: LabServer) => (await adminQuery(s, s.engine === 'postgres'
  ? "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'resumed_here'"
  : `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'resumed_here' AND table_schema = '${s.database}'`))[0]!.n;

for (const engine of ['postgres', 'mariadb'] as const) {
  test(`${engine}: resumed with DATABASE_URL naming another server: refused with both named; --retarget continues there and asks again`, { timeout: 300_000 }, async (t) => {
    const [a, b] = servers[engine]!;
    const dir = scratch(t);
    const out = join(dir, 'out');
    const runbook = writeRunbook(dir, 'retarget', RUNBOOK);
    const transcript = join(dir, 't.jsonl');
    const run = cli(['run', runbook, '--plain', '--yes', '--transcript', transcript, '--input', `out=${out}`], { env: { DATABASE_URL: a.url() } });
    await until(() => { try { return readFileSync(out, 'utf8').includes('slow'); } catch { return false; } }, 60_000, 'the slow step');
    // The step-process line is written right after the spawn; under load the script can print first.
    await until(() => transcriptLines(transcript).some((l) => l.type === 'step-process' && l.stepId === 'slow'), 60_000, 'the slow step\'s process line');
    run.child.kill('SIGKILL');
    await run;
    const group = transcriptLines(transcript).find((l) => l.type === 'step-process' && l.stepId === 'slow') as unknown as { pgid: number } | undefined;
    assert.ok(group, `the slow step's process group is recorded: ${transcriptLines(transcript).map((l) => `${l.type}:${String(l.stepId)}`).join(' ')}`);
    await until(() => !groupAlive(group.pgid), 30_000, 'the killed step\'s group to die');

    const seen = transcriptLines(transcript).filter((l) => l.type === 'target-identified') as (Line & { connection: string; target: Record<string, unknown> })[];
    const recorded = seen.find((l) => l.connection === 'db')!;
    assert.equal(recorded.target.port, a.port);
    assert.match(String(recorded.target.server), engine === 'postgres' ? /^system_identifier \d+ at 127\.0\.0\.1:\d+$/ : /^hostname .* port \d+ datadir \//);
    assert.ok(seen.some((l) => l.connection === '$host'), 'the host of the shell steps is recorded too');

    const size = readFileSync(transcript).length;
    const refused = await cli(['resume', transcript, '--plain', '--yes'], { env: { DATABASE_URL: b.url(), PAUSE: '0' } });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /another target answers now/);
    const name = engine === 'postgres' ? 'PostgreSQL' : 'MariaDB';
    assert.match(refused.stderr, new RegExp(`\\n    recorded: ${name} ${a.appUser}@127\\.0\\.0\\.1:${a.port}/${a.database}, .*\\n    now:      ${name} ${b.appUser}@127\\.0\\.0\\.1:${b.port}/${b.database}, `));
    assert.ok(!refused.stderr.includes(a.appPassword) && !refused.stderr.includes(b.appPassword), 'no password shown');
    assert.equal(readFileSync(transcript).length, size, 'the transcript is untouched');
    assert.equal(readFileSync(out, 'utf8').trim(), 'slow', 'nothing ran');

    const withYes = await cli(['resume', transcript, '--plain', '--yes', '--retarget'], { env: { DATABASE_URL: b.url(), PAUSE: '0' } });
    assert.equal(withYes.code, 2);
    assert.match(withYes.stderr, /--retarget .* does not go with --yes/);

    const retargeted = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'mark'], { env: { DATABASE_URL: b.url(), PAUSE: '0' } });
    assert.equal(retargeted.code, 0, retargeted.stderr + retargeted.stdout);
    assert.match(retargeted.stderr, /--retarget: continuing on another target/);
    const tail = transcriptLines(transcript).slice(transcriptLines(transcript).findIndex((l) => l.type === 'resumed'));
    assert.ok(tail.some((l) => l.type === 'confirmation-requested' && l.stepId === 'mark'), 'the destructive step asked again');
    const now = tail.find((l) => l.type === 'target-identified' && (l as { connection?: string }).connection === 'db') as unknown as { target: { port: number } };
    assert.equal(now.target.port, b.port, 'the new target is recorded for the next resume');
    assert.deepEqual([Number(await hasTable(a)), Number(await hasTable(b))], [0, 1], 'the destructive step ran on B only');
  });
}
