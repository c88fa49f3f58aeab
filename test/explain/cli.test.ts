// `runbook explain` as an operator runs it: an argument, a pipe, a file, a followed file that grows (what
// `kubectl logs -f app | runbook explain -f` does), --json, and the mistakes (both sources, a missing file).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BIN, cli } from '../helpers/cli.js';
import { until } from '../helpers/poll.js';

const dir = mkdtempSync(join(tmpdir(), 'explain-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HIKARI = 'java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms (total=10, active=10, idle=0, waiting=4).';
const FULL = '2026-11-25 03:12:07.431 UTC [4711] FATAL:  sorry, too many clients already';

test('an argument: the class, the side, why, and the command to run; exit 0', () => {
  const r = cli(['explain', HIKARI]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^1 × the application's pool timed out waiting for a connection — from the application pool \(HikariCP\)/);
  assert.match(r.stdout, /run: runbook run pool-exhausted -i url=.* -i pool_size=10/);
  assert.match(r.stdout, /not the server's max_connections/);
});

test('a pipe: the server log counted by kind with its times', () => {
  const r = cli(['explain'], { input: [FULL, FULL.replace('03:12:07', '03:19:55'), 'LOG:  checkpoint starting: time'].join('\n') });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^2 × too-many-connections — from the server \(PostgreSQL log\) 2026-11-25 03:12:07\.431 UTC – 2026-11-25 03:19:55\.431 UTC/);
});

test('--json: the documented shape', () => {
  const r = cli(['explain', '--json', HIKARI]);
  const out = JSON.parse(r.stdout) as { records: number; errors: Record<string, unknown>[] };
  assert.equal(out.records, 1);
  assert.deepEqual(Object.keys(out.errors[0]!).sort(), ['class', 'command', 'count', 'excerpt', 'facts', 'first', 'fromPid', 'last', 'line', 'note', 'runbook', 'side', 'stack', 'tellApart', 'why']);
  assert.deepEqual(out.errors[0]!['facts'], { pool: 'HikariPool-1', timeoutMs: 30000, poolSize: 10 });
});

test('nothing recognised: says so, exit 1; mistakes are one line, exit 2', () => {
  const none = cli(['explain', 'all good here']);
  assert.equal(none.code, 1);
  assert.match(none.stdout, /No database connection error recognised in 1 record/);
  const missing = cli(['explain', '--file', join(dir, 'nope.log')]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
  assert.match(missing.stderr, /cannot read .*nope\.log: no such file or directory/);
  const both = cli(['explain', '--file', 'x.log', 'text']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /not both/);
});

test('-f on a file that grows: each new kind of error printed as it comes, the summary on Ctrl-C', async () => {
  const log = join(dir, 'app.log');
  writeFileSync(log, 'starting up\n');
  const child = spawn(process.execPath, [BIN, 'explain', '-f', '--file', log], { env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  appendFileSync(log, `${FULL}\n`);
  await until(() => out.includes('too-many-connections'), 20_000, 'the first error, live');
  appendFileSync(log, `${HIKARI}\n${FULL}\n`);
  await until(() => out.includes('HikariCP'), 20_000, 'the second kind, live');
  child.kill('SIGINT');
  assert.equal(await exited, 0);
  assert.match(out, /summary:\n2 × too-many-connections[\s\S]*1 × the application's pool/);
});

// A journald or syslog line names the process that logged it (`app[4711]:`). When that process runs on this machine,
// explain offers diagnose from where it stands (--from-pid); a process that is gone, or one of another machine, is
// not offered. The pids are real: a process kept running, and one that has ended.
test('a journald line of a process running here: diagnose --from-pid offered; of one gone: not', async () => {
  const refused = 'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5432 failed: Connection refused';
  const live = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    const line = (pid: number) => `Nov 26 03:12:07 vm app[${pid}]: ${refused}`;
    const here = cli(['explain', '--json'], { input: `${line(live.pid!)}\n` });
    const out = JSON.parse(here.stdout) as { errors: { facts: { pid?: number }; fromPid: string | null }[] };
    assert.equal(out.errors[0]?.facts.pid, live.pid);
    assert.equal(out.errors[0]?.fromPid, `sudo runbook diagnose 'postgres://<user>@127.0.0.1:5432/<database>' --from-pid ${live.pid}`);
    assert.match(cli(['explain'], { input: `${line(live.pid!)}\n` }).stdout, /from the application: sudo runbook diagnose .* --from-pid \d+/);
    const gone = spawn('true', [], { stdio: 'ignore' });
    await new Promise((resolve) => gone.on('exit', resolve));
    const there = JSON.parse(cli(['explain', '--json'], { input: `${line(gone.pid!)}\n` }).stdout) as typeof out;
    assert.equal(there.errors[0]?.fromPid, null);
  } finally {
    live.kill();
  }
});
