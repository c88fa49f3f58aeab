// Figure 7: peak memory (max RSS) of `runbook run` when a step prints 200 MB, against the same run of a
// step that prints nothing. Plain mode on a pipe that the bench drains; the transcript is written.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { timeToExit } from '../lib/proc.js';
import { bigOutputRunbook } from '../lib/runbooks.js';
import { median } from '../lib/stats.js';
import { mib, ms, type Row } from '../lib/table.js';

const BYTES = 200_000_000;
const TARGET = 150 * 1024 * 1024;

async function peak(ctx: BenchContext, file: string, tag: string): Promise<{ rss: number; ms: number }> {
  const out = join(ctx.scratch, `maxrss-${tag}`);
  const preload = pathToFileURL(join(ROOT, 'bench', 'lib', 'maxrss.mjs')).href;
  const r = await timeToExit(NODE, ['--import', preload, BIN, 'run', file, '--plain'], {
    env: childEnv({ BENCH_MAXRSS_FILE: out }), cwd: ctx.scratch, limitMs: 300_000,
  });
  if (r.code !== 0) throw new Error(`run ${file} exited ${r.code}:\n${r.output.slice(-2000)}`);
  return { rss: Number(readFileSync(out, 'utf8')), ms: r.ms };
}

export async function memory(ctx: BenchContext): Promise<Row[]> {
  const big = join(ctx.scratch, 'big-output.yaml');
  const small = join(ctx.scratch, 'no-output.yaml');
  writeFileSync(big, bigOutputRunbook(BYTES));
  writeFileSync(small, bigOutputRunbook(0));
  const rounds = Math.max(2, Math.round(ctx.rounds / 5));
  const bigs: { rss: number; ms: number }[] = [];
  const smalls: { rss: number; ms: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    smalls.push(await peak(ctx, small, `small-${i}`));
    bigs.push(await peak(ctx, big, `big-${i}`));
    ctx.log(`memory round ${i + 1}/${rounds}: ${mib(bigs.at(-1)!.rss)} with 200 MB of output (${ms(bigs.at(-1)!.ms)}), ${mib(smalls.at(-1)!.rss)} without`);
  }
  const worst = Math.max(...bigs.map((b) => b.rss));
  const base = median(smalls.map((s) => s.rss));
  return [{
    id: 'memory-200mb', figure: 'peak RSS, a step printing 200 MB', value: mib(worst),
    anchor: `same run, no output: ${mib(base)}`, ratio: `${(worst / base).toFixed(2)}×`, target: '≤ 150 MiB',
    met: worst <= TARGET, metric: worst, samples: { rssBytes: bigs.map((b) => b.rss), baselineRssBytes: smalls.map((s) => s.rss), runMs: bigs.map((b) => b.ms) },
    note: `worst of ${rounds} runs; the run took ${ms(median(bigs.map((b) => b.ms)))}`,
  }];
}
