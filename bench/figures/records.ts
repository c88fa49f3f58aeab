// Figure 8 (issue 14, "records" part): what the promises about records and exits measure on this machine.
//  - a destructive statement returning 500 MB (PostgreSQL UPDATE … RETURNING, MariaDB DELETE … RETURNING):
//    wall time and peak RSS of `runbook run` (the rows are streamed and bounded, not buffered);
//  - with the server frozen (SIGSTOP) mid-query: SIGINT / SIGTERM to exit (promise: ≤ 2 s);
//  - with the server frozen: when a 3 s step timeout fires (promise: ≤ 3 s + 10 % + 200 ms = 3.5 s).
// Real lab servers on loopback; the test suite asserts these only as hang guards (test/hardening/).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { labServerInfo } from '../../src/lab/lab-server.js';
import { BIN, NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { timeToExit } from '../lib/proc.js';
import { mib, ms, type Row } from '../lib/table.js';

const BIG_ROWS = 500;
const ROW_BYTES = 1_000_000;

const bigRunbook = `name: big-returning
title: 500 MB returned by a destructive statement
inputs:
  url: { required: true, type: url }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: bump
    destructive: true
    sql:
      query: { postgres: "UPDATE wide SET n = n + 1 RETURNING id, n, pad", mysql: "DELETE FROM wide RETURNING id, n, pad" }
  - id: done
    end: resolved
`;

const slowRunbook = (timeout: string) => `name: frozen
title: A query on a server that stops answering
inputs:
  url: { required: true, type: url }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: slow
    sql: { query: { postgres: "SELECT pg_sleep(60) AS s", mysql: "SELECT SLEEP(60) AS s" } }
    timeout: ${timeout}
    on: { timeout: done, error: done }
  - id: done
    end: resolved
`;

async function fill(server: LabServer): Promise<void> {
  const { default: pg } = await import('pg');
  const mysql = await import('mysql2/promise');
  if (server.engine === 'postgres') {
    const c = new pg.Client({ connectionString: server.adminUrl() });
    await c.connect();
    await c.query('DROP TABLE IF EXISTS wide');
    await c.query(`CREATE TABLE wide AS SELECT i AS id, 0 AS n, repeat('x', ${ROW_BYTES}) AS pad FROM generate_series(1, ${BIG_ROWS}) AS i`);
    await c.query(`GRANT ALL ON wide TO ${server.appUser}`);
    await c.end();
  } else {
    const c = await mysql.createConnection({ uri: server.adminUrl() });
    await c.query(`DROP TABLE IF EXISTS ${server.database}.wide`);
    await c.query(`CREATE TABLE ${server.database}.wide AS SELECT seq AS id, 0 AS n, REPEAT('x', ${ROW_BYTES}) AS pad FROM seq_1_to_${BIG_ROWS}`);
    await c.end();
  }
}

async function bigResult(ctx: BenchContext, server: LabServer): Promise<Row> {
  await fill(server);
  const file = join(ctx.scratch, `big-${server.engine}.yaml`);
  writeFileSync(file, bigRunbook);
  const out = join(ctx.scratch, `maxrss-big-${server.engine}`);
  const preload = pathToFileURL(join(ROOT, 'bench', 'lib', 'maxrss.mjs')).href;
  const r = await timeToExit(NODE, ['--import', preload, BIN, 'run', file, '--plain', '--yes', '--transcript', join(ctx.scratch, `big-${server.engine}.jsonl`), '-i', `url=${server.url()}`],
    { env: childEnv({ BENCH_MAXRSS_FILE: out }), cwd: ctx.scratch, limitMs: 600_000 });
  if (r.code !== 0) throw new Error(`big result on ${server.engine} exited ${r.code}:\n${r.output.slice(-2000)}`);
  const rss = Number(readFileSync(out, 'utf8'));
  ctx.log(`records: 500 MB RETURNING on ${server.engine}: ${ms(r.ms)}, peak RSS ${mib(rss)}`);
  return {
    id: `records-500mb-${server.engine}`, figure: `500 MB returned by a destructive statement (${server.engine}): peak RSS`, value: mib(rss),
    anchor: `run took ${ms(r.ms)}`, ratio: '—', target: '≤ 150 MiB', met: rss <= 150 * 1048576, metric: rss,
    samples: { rssBytes: [rss], runMs: [r.ms] }, note: 'rows streamed through the row budget; step-finished recorded with rowsOmitted',
  };
}

function freeze(server: LabServer): () => void {
  const pid = labServerInfo(server)!.pid;
  const all = [pid, ...childrenOf(pid)];
  for (const p of all) process.kill(p, 'SIGSTOP');
  return () => { for (const p of all) { try { process.kill(p, 'SIGCONT'); } catch { /* gone */ } } };
}

function childrenOf(pid: number): number[] {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return kids.flatMap((k) => [k, ...childrenOf(k)]);
  } catch { return []; }
}

/** Starts the slow query, waits for it, freezes the server, then `act`; returns ms from the act to exit and the transcript. */
async function frozenRun(ctx: BenchContext, server: LabServer, timeout: string, signal?: NodeJS.Signals): Promise<{ exitMs: number; transcript: string }> {
  const file = join(ctx.scratch, `frozen-${server.engine}-${timeout}.yaml`);
  writeFileSync(file, slowRunbook(timeout));
  const transcript = join(ctx.scratch, `frozen-${server.engine}-${timeout}-${signal ?? 'none'}-${Date.now()}.jsonl`);
  const child = spawn(NODE, [BIN, 'run', file, '--plain', '--transcript', transcript, '-i', `url=${server.url()}`], { env: childEnv(), cwd: ctx.scratch, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; i < 300 && !readFileSafe(transcript).includes('"step-started"'); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500)); // the query reaches the server
  const thaw = freeze(server);
  const acted = Date.now();
  if (signal) child.kill(signal);
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(guard);
  const exitMs = Date.now() - acted;
  thaw();
  return { exitMs, transcript };
}

const readFileSafe = (f: string): string => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };

export async function records(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const start of [startPostgres, startMariadb]) {
    ctx.log('records: starting a lab server…');
    const server = await start();
    try {
      rows.push(await bigResult(ctx, server));
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        const { exitMs } = await frozenRun(ctx, server, '5m', signal);
        ctx.log(`records: ${server.engine} frozen, ${signal} → exit in ${ms(exitMs)}`);
        rows.push({ id: `records-exit-${signal}-${server.engine}`, figure: `server frozen (${server.engine}), ${signal} → exit`, value: ms(exitMs), anchor: '—', ratio: '—', target: '≤ 2000 ms', met: exitMs <= 2000, metric: exitMs });
      }
      const { transcript } = await frozenRun(ctx, server, '3s');
      const line = readFileSafe(transcript).split('\n').find((l) => l.includes('"step-finished"'));
      const took = line ? (JSON.parse(line) as { result: { durationMs: number } }).result.durationMs : NaN;
      ctx.log(`records: ${server.engine} frozen, 3 s timeout fired after ${ms(took)}`);
      rows.push({ id: `records-timeout-${server.engine}`, figure: `server frozen (${server.engine}), 3 s step timeout fires after`, value: ms(took), anchor: '—', ratio: '—', target: '≤ 3500 ms', met: took <= 3500, metric: took });
    } finally {
      await server.stop();
    }
  }
  return rows;
}
