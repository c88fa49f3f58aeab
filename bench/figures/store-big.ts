// Issue #51, a big store: 10,000 runs and 1,000,000 events (valid hash chains, transcript-like lines), then the
// team figures on it: `runbook runs`, follow of a live run with 50 followers, the approval round trip, and
// `runbook store prune` of 9,000 of the runs. The store is filled past its triggers (as the superuser, with
// session_replication_role = replica) so that filling takes seconds, not the per-row chain checks of a million
// real uploads; the hashes are computed here exactly as the trigger would, so every chain checks.
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { chainHash, GENESIS } from '../../src/store/chain.js';
import type { BenchContext } from '../lib/context.js';
import { median } from '../lib/stats.js';
import { startBenchStore, startCli, type BenchStore } from '../lib/store-lab.js';
import { ms, type Row } from '../lib/table.js';
import { approval } from './store-cli.js';
import { followLatency } from './store-follow.js';

const RUNS = 10_000;
const EVENTS_PER_RUN = 100;
const RUNS_PER_BATCH = 50;
const FOLLOWERS = 50;
const PRUNED = 9_000;
const SIZE = `${RUNS.toLocaleString('en')} runs, ${(RUNS * EVENTS_PER_RUN).toLocaleString('en')} events`;

/** A run's lines as a transcript has them: a header, steps started and finished with output, the end. */
function runLines(runId: string, start: number): string[] {
  const lines: string[] = [];
  const ts = (seq: number) => new Date(start + seq * 40).toISOString();
  lines.push(JSON.stringify({ type: 'header', seq: 0, ts: ts(0), format: 1, runId, runbook: { name: 'pool-exhausted', sha256: 'a'.repeat(64) }, operator: 'alice' }));
  for (let seq = 1; seq < EVENTS_PER_RUN - 1; seq++) {
    const step = `s${Math.floor(seq / 2)}`;
    lines.push(seq % 2 === 1
      ? JSON.stringify({ type: 'step-started', seq, ts: ts(seq), stepId: step, kind: 'sql' })
      : JSON.stringify({ type: 'step-finished', seq, ts: ts(seq), stepId: step, result: { status: 'ok', durationMs: 12, rows: [{ pid: 4242, state: 'idle in transaction', application_name: 'billing-worker' }] } }));
  }
  lines.push(JSON.stringify({ type: 'run-finished', seq: EVENTS_PER_RUN - 1, ts: ts(EVENTS_PER_RUN - 1), outcome: 'resolved' }));
  return lines;
}

async function fill(store: BenchStore, ctx: BenchContext): Promise<void> {
  const c = new pg.Client({ connectionString: store.superUrl });
  await c.connect();
  const t0 = performance.now();
  try {
    await c.query('SET session_replication_role = replica'); // the triggers (chain, notify) are not run: the hashes are computed here
    const now = Date.now();
    for (let b = 0; b < RUNS / RUNS_PER_BATCH; b++) {
      const runs = { id: [] as string[], heard: [] as Date[] };
      const ev = { run: [] as string[], seq: [] as number[], ts: [] as string[], line: [] as string[], prev: [] as string[], hash: [] as string[] };
      for (let i = 0; i < RUNS_PER_BATCH; i++) {
        const n = b * RUNS_PER_BATCH + i;
        const runId = randomUUID();
        const heard = now - (RUNS - n) * 3_600_000; // one an hour: the oldest over a year ago
        runs.id.push(runId);
        runs.heard.push(new Date(heard));
        let prev = GENESIS;
        runLines(runId, heard - EVENTS_PER_RUN * 40).forEach((line, seq) => {
          const hash = chainHash(prev, line);
          ev.run.push(runId); ev.seq.push(seq); ev.ts.push(new Date(heard).toISOString()); ev.line.push(line); ev.prev.push(prev); ev.hash.push(hash);
          prev = hash;
        });
      }
      await c.query(`INSERT INTO runbook.runs (run_id, runbook, runbook_sha256, operator, driver, driver_host, state, started_at, heard_at)
        SELECT id, 'pool-exhausted', repeat('a', 64), 'alice', 'alice', 'bench', 'resolved', h, h FROM unnest($1::text[], $2::timestamptz[]) AS u(id, h)`, [runs.id, runs.heard]);
      await c.query(`INSERT INTO runbook.events (run_id, seq, ts, line, prev_hash, hash)
        SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::text[])`, [ev.run, ev.seq, ev.ts, ev.line, ev.prev, ev.hash]);
    }
    await c.query('RESET session_replication_role');
    await c.query('VACUUM ANALYZE runbook.runs');
    await c.query('VACUUM ANALYZE runbook.events');
    const [size] = (await c.query<{ s: string }>(`SELECT pg_size_pretty(pg_database_size('ops')) AS s`)).rows;
    ctx.log(`big store: ${SIZE} in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${size?.s ?? '?'}`);
  } finally {
    await c.end();
  }
}

/** `runbook runs` from spawn to exit, median of `rounds`. */
async function runsCli(store: BenchStore, ctx: BenchContext, rounds: number): Promise<number[]> {
  const took: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const p = startCli(['runs'], { RUNBOOK_STORE: store.url('bob') }, ctx.scratch);
    const code = await p.exit;
    if (code !== 0) throw new Error(`runbook runs exited ${code}: ${p.err().slice(-300)}`);
    took.push(performance.now() - t);
  }
  return took;
}

/** `runbook runs` from spawn to exit, against the same command on the empty store (what the size adds), and its
 *  query alone (what the store answers in). */
async function listRuns(ctx: BenchContext, store: BenchStore, empty: number[], label: string): Promise<Row[]> {
  const rounds = Math.max(5, ctx.rounds);
  const cli = await runsCli(store, ctx, rounds);
  const bob = await store.as('bob');
  const query: number[] = [];
  try {
    for (let i = 0; i < rounds * 4; i++) {
      const t = performance.now();
      await bob.query(`SELECT run_id, runbook, operator, driver, driver_host, state, current_step, waiting_gate, started_at, heard_at
        FROM runbook.runs ORDER BY (waiting_gate IS NOT NULL AND state = 'running') DESC, (state = 'running') DESC, heard_at DESC LIMIT 50`);
      query.push(performance.now() - t);
    }
  } finally { await bob.end(); }
  const m = median(cli);
  const e = median(empty);
  return [
    { id: `big-runs${label}`, figure: `big store (${SIZE}${label ? ', after prune' : ''}): \`runbook runs\` spawned → exit, median`, value: ms(m),
      anchor: `empty store: ${ms(e)}`, ratio: `${m - e >= 0 ? '+' : ''}${(m - e).toFixed(0)} ms`, target: '≤ 200 ms', met: m <= 200, metric: m,
      samples: { ms: cli, emptyMs: empty }, note: `its query alone: median ${median(query).toFixed(2)} ms; the rest is the command's start-up (node, pg, the login), as on an empty store` },
  ];
}

/** `runbook store prune` of the oldest 9,000 runs (each ended, one an hour), as the owner. */
async function prune(store: BenchStore, ctx: BenchContext): Promise<Row> {
  const days = Math.floor((RUNS - PRUNED) / 24);
  const t = performance.now();
  const p = startCli(['store', 'prune', '--older-than', `${days}d`, '--json'], { RUNBOOK_STORE: store.url('rb_owner') }, ctx.scratch, 600_000);
  const code = await p.exit;
  const took = performance.now() - t;
  if (code !== 0) throw new Error(`store prune exited ${code}: ${p.err().slice(-300)}`);
  const s = JSON.parse(p.out()) as { runs: number; events: number };
  ctx.log(`prune: ${s.runs} runs, ${s.events} events in ${(took / 1000).toFixed(1)} s`);
  return { id: 'big-prune', figure: `big store: \`runbook store prune\` of ${s.runs.toLocaleString('en')} runs (${s.events.toLocaleString('en')} events)`,
    value: ms(took), anchor: '—', ratio: '—', target: '—', met: null, metric: took, note: 'batches of 500 runs, one transaction each' };
}

const onBig = (rows: Row[]): Row[] => rows.map((r) => ({ ...r, id: `big-${r.id}`, figure: `big store (${SIZE}): ${r.figure.replace(/^team store: /, '')}` }));

export async function bigStore(ctx: BenchContext): Promise<Row[]> {
  const store = await startBenchStore(FOLLOWERS + 50);
  try {
    const empty = await runsCli(store, ctx, Math.max(5, ctx.rounds));
    await fill(store, ctx);
    const rows: Row[] = [];
    const parts: [string, () => Promise<Row[]>][] = [
      ['runs', () => listRuns(ctx, store, empty, '')],
      ['follow', async () => onBig((await followLatency(ctx, store, FOLLOWERS)).filter((r) => r.id.startsWith('store-follow')))],
      ['approval', async () => onBig((await approval(ctx, store)).filter((r) => r.id === 'store-approval'))],
      ['prune', async () => [await prune(store, ctx)]],
      ['runs after prune', () => listRuns(ctx, store, empty, '-after-prune')],
    ];
    for (const [name, part] of parts) {
      try {
        rows.push(...await part());
      } catch (e) {
        rows.push({ id: `big-${name.replace(/ /g, '-')}-error`, figure: `big store ${name}: not measured`, value: (e as Error).message.split('\n')[0]!.slice(0, 80), anchor: '—', ratio: '—', target: '—', met: null });
        ctx.log(`${name} failed: ${(e as Error).stack ?? String(e)}`);
      }
    }
    return rows;
  } finally {
    await store.stop();
  }
}
