// Figure (issue #51, "long loops"): what a for_each costs per item beyond its executor, with the real
// transcript writer (group commit: a read's items share syncs), and peak memory of a 10,000-item read.
//  - per-item overhead: the same loop run with executors that return at once (what is left is the engine's
//    loop, its events and the transcript's records) — for an SQL step and for a shell step (the two differ
//    in how the engine prepares the action: template rendering, the pinned-read plan);
//  - end to end, informational: the same loops with the real executors (a lab PostgreSQL, bash);
//  - peak RSS of `runbook run` of a 10,000-item read-only SQL loop (the CLI, transcript written): plain mode on
//    PostgreSQL and on MariaDB, and the terminal UI on a pseudo-terminal on PostgreSQL.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { Run } from '../../src/engine/run.js';
import { createExecutors } from '../../src/executors/index.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { attachTranscript } from '../../src/transcript/index.js';
import type { Runbook } from '../../src/language/runbook.js';
import { LAUNCH, NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { mustParse, NOOP_EXECUTORS } from '../lib/engine.js';
import { shellQuote, timeToExit, underPty } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import { mib, ms, type Row } from '../lib/table.js';

const ITEMS = 1_000;
const BIG = 10_000;
const SQL_TARGET_MS = 1;
const SHELL_TARGET_MS = 2;
const RSS_TARGET = 120 * 1024 * 1024;

function loopRunbook(kind: 'sql' | 'shell', items: number, engine: 'postgres' | 'mariadb' = 'postgres'): string {
  const query = engine === 'postgres' ? 'SELECT $1::int AS n' : 'SELECT CAST(? AS SIGNED) AS n';
  const action = kind === 'sql' ? `    sql: { query: "${query}", params: ["\${{ x }}"] }` : '    shell: echo ${{ x }}';
  return [
    'name: bench-loop', 'title: A long read loop',
    'inputs:', '  url: { type: url, default: "postgres://bench@127.0.0.1:1/bench" }',
    ...(kind === 'sql' ? ['connections:', '  db: { url: "${{ inputs.url }}" }'] : []),
    'steps:', '  - id: each',
    `    for_each: { in: "split('${Array.from({ length: items }, (_, i) => i + 1).join(',')}', ',')", as: x, max_items: ${BIG} }`,
    action, '  - id: done', '    end: resolved', '',
  ].join('\n');
}

let count = 0;
/** One run with a transcript, in this process; wall time in ms. */
async function timeLoop(ctx: BenchContext, runbook: Runbook, inputs: Record<string, unknown>, real: boolean): Promise<number> {
  const redactor = new Redactor();
  const executors = real ? createExecutors() : NOOP_EXECUTORS;
  const started = performance.now();
  const run = new Run({ runbook, inputs, redactor, executors });
  const transcript = attachTranscript(run, runbook, { file: join(ctx.scratch, `loop-${process.pid}-${count++}.jsonl`), argv: ['bench'], redactor });
  try {
    const finished = await run.start();
    if (finished.outcome !== 'resolved') throw new Error(`bench loop ended ${finished.outcome}: ${finished.message}`);
    return performance.now() - started;
  } finally {
    await executors.close();
    transcript.close();
  }
}

async function perItem(ctx: BenchContext, kind: 'sql' | 'shell', url: string): Promise<Row[]> {
  const runbook = mustParse(loopRunbook(kind, ITEMS), `bench-loop-${kind}.yaml`);
  const one = mustParse(loopRunbook(kind, 1), `bench-loop-${kind}-1.yaml`);
  const inputs = { url };
  const rounds = Math.max(3, Math.round(ctx.rounds / 3));
  await timeLoop(ctx, runbook, inputs, false); // warm-up
  const over: number[] = [];
  for (let i = 0; i < rounds; i++) over.push((await timeLoop(ctx, runbook, inputs, false) - await timeLoop(ctx, one, inputs, false)) / (ITEMS - 1));
  const real: number[] = [];
  for (let i = 0; i < Math.max(2, Math.round(rounds / 2)); i++) real.push(await timeLoop(ctx, runbook, inputs, true) / ITEMS);
  const target = kind === 'sql' ? SQL_TARGET_MS : SHELL_TARGET_MS;
  const m = median(over);
  ctx.log(`loop ${kind}: overhead ${m.toFixed(3)} ms/item, end to end ${median(real).toFixed(2)} ms/item`);
  return [{
    id: `loop-${kind}-overhead`, figure: `for_each of ${ITEMS} read-only ${kind === 'sql' ? 'SQL' : 'shell'} items: per-item cost beyond the executor`,
    value: `${m.toFixed(3)} ms/item`, anchor: `end to end with the real executor: ${median(real).toFixed(2)} ms/item`, ratio: '—',
    target: `≤ ${target} ms/item`, met: m <= target, metric: m, samples: { overheadMs: over, endToEndMs: real },
  }];
}

/** How the 10,000-item loop is run: which server, and the plain renderer on a pipe or the terminal UI on a pty. */
interface BigLoop { engine: 'postgres' | 'mariadb'; ui: boolean }

async function bigLoopRss(ctx: BenchContext, url: string, how: BigLoop): Promise<Row> {
  const name = `loop-10000-${how.engine}${how.ui ? '-ui' : ''}`;
  const file = join(ctx.scratch, `${name}.yaml`);
  writeFileSync(file, loopRunbook('sql', BIG, how.engine));
  const out = join(ctx.scratch, `maxrss-${name}`);
  const cpu = join(ctx.scratch, `cpu-${name}`);
  const preload = pathToFileURL(join(ROOT, 'bench', 'lib', 'maxrss.mjs')).href;
  const args = ['--import', preload, ...LAUNCH, 'run', file, ...(how.ui ? [] : ['--plain']), '-i', `url=${url}`, '--transcript', join(ctx.scratch, `${name}.jsonl`)];
  const [cmd, argv] = how.ui ? underPty(`stty cols 120 rows 40; exec ${[NODE, ...args].map(shellQuote).join(' ')}`) : [NODE, args];
  const r = await timeToExit(cmd, argv, {
    env: childEnv({ BENCH_MAXRSS_FILE: out, BENCH_CPU_FILE: cpu, ...(how.ui ? { TERM: 'xterm-256color' } : {}) }), cwd: ctx.scratch, limitMs: 600_000,
  });
  if (r.code !== 0) throw new Error(`the 10,000-item loop (${name}) exited ${r.code}:\n${r.output.slice(-2000)}`);
  const rss = Number(readFileSync(out, 'utf8'));
  const where = `${how.engine === 'postgres' ? 'PostgreSQL' : 'MariaDB'}, ${how.ui ? 'the terminal UI on a pty' : 'plain'}`;
  return {
    id: `loop-sql-10000-rss${how.engine === 'mariadb' ? '-mariadb' : ''}${how.ui ? '-ui' : ''}`,
    figure: `runbook run: for_each of ${BIG} read-only SQL items (${where}), peak RSS`, value: mib(rss),
    anchor: `${ms(r.ms)} in all (${(r.ms / BIG).toFixed(2)} ms/item)`, ratio: '—', target: `≤ ${mib(RSS_TARGET)}`, met: rss <= RSS_TARGET, metric: rss,
  };
}

export async function loops(ctx: BenchContext): Promise<Row[]> {
  let server: LabServer | undefined;
  let mariadb: LabServer | undefined;
  try {
    ctx.log('starting a lab PostgreSQL and a lab MariaDB…');
    [server, mariadb] = await Promise.all([startPostgres(), startMariadb()]);
    const url = server.url();
    return [
      ...await perItem(ctx, 'sql', url), ...await perItem(ctx, 'shell', url),
      await bigLoopRss(ctx, url, { engine: 'postgres', ui: false }),
      await bigLoopRss(ctx, mariadb.url(), { engine: 'mariadb', ui: false }),
      await bigLoopRss(ctx, url, { engine: 'postgres', ui: true }),
    ];
  } finally {
    await Promise.all([server?.stop(), mariadb?.stop()]);
  }
}
