// Issue #34, in this process: follow latency and the mayAct round trip. A run goes through the real engine,
// executors and transcript writer with the store's uploader behind it (as src/cli/team-store.ts wires it,
// beforeAct included), and a follower (src/store/follow.ts, what `runbook follow` draws from) reads it from the
// store as bob. Latency per line: from the writer telling the uploader the line is fsynced to the follower
// receiving it. Driver and follower share this process's event loop (a separate follower would not queue
// behind the driver's work): if anything, that adds to the figure.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { Run } from '../../src/engine/run.js';
import { createExecutors, type BeforeAct } from '../../src/executors/index.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { followRun } from '../../src/store/follow.js';
import { Uploader } from '../../src/store/uploader.js';
import { attachTranscript } from '../../src/transcript/index.js';
import type { TranscriptSink } from '../../src/transcript/sink.js';
import type { BenchContext } from '../lib/context.js';
import { mustParse } from '../lib/engine.js';
import { median } from '../lib/stats.js';
import { until, type BenchStore } from '../lib/store-lab.js';
import { ms, type Row } from '../lib/table.js';

const FOLLOW_STEPS = 30;
const MAY_ACT_CALLS = 300;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

/** Steps that each take a little while (a short sleep), the way a run's lines come in: a few per step. */
function pacedRunbook(n: number): string {
  const lines = ['name: bench-follow', 'title: Followed', 'steps:'];
  for (let i = 1; i <= n; i++) lines.push(`  - id: s${i}`, '    shell: sleep 0.02');
  lines.push('  - id: done', '    end: resolved');
  return `${lines.join('\n')}\n`;
}

/** The followers' connections have LISTENed and caught up (each one's last query is the fetch, and it is idle). */
async function followersListening(store: BenchStore, n: number): Promise<void> {
  const owner = await store.as('rb_owner');
  try {
    await until(async () => (await owner.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'runbook follow'
      AND state = 'idle' AND query LIKE '%FROM runbook.events%'`)).length >= n || undefined, 'the followers to listen');
  } finally {
    await owner.end();
  }
}

/** `followers`: how many follow the run at once (each its own connection, as many `runbook follow`s would). */
export async function followLatency(ctx: BenchContext, store: BenchStore, followers = 1): Promise<Row[]> {
  const runbook = mustParse(pacedRunbook(FOLLOW_STEPS), 'bench-follow.yaml');
  const uploader = new Uploader({ url: store.url('alice') });
  const syncedAt = new Map<number, number>();
  let top = -1;
  const sink: TranscriptSink = {
    line: (seq, text) => uploader.line(seq, text),
    synced: (seq) => {
      const now = performance.now();
      for (let s = top + 1; s <= seq; s++) syncedAt.set(s, now); // one fsync covers every line before it
      top = Math.max(top, seq);
      uploader.synced(seq);
    },
    closed: () => uploader.closed(),
  };
  // The driver's mayAct as it runs (before each step's action, with what the executors pass), timed: it shares
  // the uploader's connection.
  const inRun: number[] = [];
  const beforeAct: BeforeAct = async (action) => { const t = performance.now(); const why = await uploader.mayAct(action); inRun.push(performance.now() - t); return why; };
  const executors = createExecutors({ beforeAct });
  const run = new Run({ runbook, inputs: {}, redactor: new Redactor(), executors });
  const received = Array.from({ length: followers }, () => new Map<number, number>());
  const stop = new AbortController();
  setMaxListeners(followers + 10, stop.signal); // one abort listener per follower
  const follow = (got: Map<number, number>) => followRun({
    url: store.url('bob'), runId: run.runId, signal: stop.signal,
    onLine: (text, seq) => { got.set(seq, performance.now()); return text.includes('"type":"run-finished"'); },
  });
  const started: Promise<unknown>[] = [];
  const guard = setTimeout(() => stop.abort(), 60_000);
  let transcript: ReturnType<typeof attachTranscript> | undefined;
  try {
    // One after another, as people start following (50 logins at the same instant would queue on the store's CPU).
    for (const got of received) {
      started.push(follow(got));
      await followersListening(store, started.length);
    }
    transcript = attachTranscript(run, runbook, { file: join(ctx.scratch, `follow-${randomUUID()}.jsonl`), argv: ['bench'], redactor: new Redactor(), sink });
    const finished = await run.start();
    if (finished.outcome !== 'resolved') throw new Error(`the followed run ended ${finished.outcome}`);
    transcript.close();
    await Promise.all(started);
  } finally {
    clearTimeout(guard);
    stop.abort();
    transcript?.close();
    await executors.close();
    await uploader.drain(3000);
  }
  const lat = received.flatMap((got) => [...got].filter(([seq]) => syncedAt.has(seq)).map(([seq, at]) => at - syncedAt.get(seq)!));
  if (lat.length < FOLLOW_STEPS * followers) throw new Error(`the followers received only ${lat.length} lines`);
  const who = followers === 1 ? 'follower' : `${followers} followers`;
  const med = median(lat);
  const p95 = quantile(lat, 0.95);
  ctx.log(`follow latency: median ${med.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${lat.length} lines`);
  const inRunMed = median(inRun);
  ctx.log(`mayAct during the followed run: median ${inRunMed.toFixed(2)} ms`);
  return [
    {
      id: 'store-may-act-run', figure: `team store: mayAct before each action during a run (${inRun.length} actions), median`,
      value: `${inRunMed.toFixed(2)} ms`, anchor: '—', ratio: '—', target: '—', met: null, metric: inRunMed,
      samples: { ms: inRun.map((x) => Number(x.toFixed(3))) }, note: `p95 ${quantile(inRun, 0.95).toFixed(2)} ms; a round trip (behind any upload in flight on the same connection) only once the last confirmation is past the lease's window`,
    },
    {
      id: 'store-follow', figure: `team store: follow latency, fsync → ${who} (${lat.length} lines), median`, value: ms(med),
      anchor: '—', ratio: '—', target: '≤ 20 ms', met: med <= 20, metric: med, samples: { ms: lat },
    },
    {
      id: 'store-follow-p95', figure: `team store: follow latency, ${who}, p95`, value: ms(p95),
      anchor: '—', ratio: '—', target: '≤ 100 ms', met: p95 <= 100, metric: p95,
    },
  ];
}

/** The check before each action while the store is up (Uploader.mayAct): a heartbeat round trip once the last
 *  confirmation is older than the lease's window (src/store/lease.ts), else answered from it. */
export async function mayActCost(ctx: BenchContext, store: BenchStore): Promise<Row> {
  const uploader = new Uploader({ url: store.url('alice') });
  const runId = randomUUID();
  uploader.line(0, JSON.stringify({ type: 'header', seq: 0, ts: new Date().toISOString(), format: 1, runId, runbook: { name: 'bench-may-act', sha256: '0'.repeat(64) } }));
  uploader.synced(0);
  const samples: number[] = [];
  // What the executors pass for a step not proven to only read (the case that must hear from the store).
  const action = { provenRead: false, signal: new AbortController().signal };
  try {
    await until(() => (uploader.status().state === 'up' && uploader.status().pending === 0 ? true : undefined), 'the uploader to reach the store');
    for (let i = 0; i < MAY_ACT_CALLS; i++) {
      const t = performance.now();
      const why = await uploader.mayAct(action);
      samples.push(performance.now() - t);
      if (why) throw new Error(`mayAct refused: ${why}`);
    }
  } finally {
    await uploader.drain(1000);
  }
  const med = median(samples);
  ctx.log(`mayAct: median ${med.toFixed(3)} ms`);
  return {
    id: 'store-may-act', figure: `team store: mayAct alone (${MAY_ACT_CALLS} calls back to back, nothing else on the connection), median`,
    value: `${med.toFixed(2)} ms`, anchor: '—', ratio: '—', target: '—', met: null, metric: med,
    samples: { ms: samples.map((x) => Number(x.toFixed(3))) }, note: `p95 ${quantile(samples, 0.95).toFixed(2)} ms`,
  };
}
