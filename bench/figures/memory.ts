// Figure 7: peak memory (max RSS) of `runbook run` when a step prints 200 MB, against the same run of a
// step that prints nothing. Plain mode on a pipe that the bench drains; the transcript is written. The same
// 200 MB again with a secret input registered: every byte goes through the stream masker (secrets/
// stream-masker.ts), whose CPU is the run's CPU beyond the run without the secret.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAUNCH, NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { timeToExit } from '../lib/proc.js';
import { bigOutputRunbook } from '../lib/runbooks.js';
import { median } from '../lib/stats.js';
import { mib, ms, type Row } from '../lib/table.js';

const BYTES = 200_000_000;
const TARGET = 150 * 1024 * 1024;
/** A secret like a database password, registered with all its forms. */
const SECRET = 'Bench-Secret-Pa55word-42';

interface Peak { rss: number; ms: number; cpuMs: number }

async function peak(ctx: BenchContext, file: string, tag: string): Promise<Peak> {
  const out = join(ctx.scratch, `maxrss-${tag}`);
  const cpu = join(ctx.scratch, `cpu-${tag}`);
  const preload = pathToFileURL(join(ROOT, 'bench', 'lib', 'maxrss.mjs')).href;
  const r = await timeToExit(NODE, ['--import', preload, ...LAUNCH, 'run', file, '--plain'], {
    env: childEnv({ BENCH_MAXRSS_FILE: out, BENCH_CPU_FILE: cpu }), cwd: ctx.scratch, limitMs: 300_000,
  });
  if (r.code !== 0) throw new Error(`run ${file} exited ${r.code}:\n${r.output.slice(-2000)}`);
  return { rss: Number(readFileSync(out, 'utf8')), ms: r.ms, cpuMs: Number(readFileSync(cpu, 'utf8')) / 1000 };
}

export async function memory(ctx: BenchContext): Promise<Row[]> {
  const big = join(ctx.scratch, 'big-output.yaml');
  const masked = join(ctx.scratch, 'big-output-secret.yaml');
  const small = join(ctx.scratch, 'no-output.yaml');
  writeFileSync(big, bigOutputRunbook(BYTES));
  writeFileSync(masked, bigOutputRunbook(BYTES, SECRET));
  writeFileSync(small, bigOutputRunbook(0));
  const rounds = Math.max(2, Math.round(ctx.rounds / 5));
  const bigs: Peak[] = [];
  const secrets: Peak[] = [];
  const smalls: Peak[] = [];
  for (let i = 0; i < rounds; i++) {
    smalls.push(await peak(ctx, small, `small-${i}`));
    bigs.push(await peak(ctx, big, `big-${i}`));
    secrets.push(await peak(ctx, masked, `secret-${i}`));
    ctx.log(`memory round ${i + 1}/${rounds}: ${mib(bigs.at(-1)!.rss)} with 200 MB of output (${ms(bigs.at(-1)!.ms)}, ${ms(bigs.at(-1)!.cpuMs)} CPU), `
      + `${mib(secrets.at(-1)!.rss)} with a secret registered (${ms(secrets.at(-1)!.ms)}, ${ms(secrets.at(-1)!.cpuMs)} CPU), ${mib(smalls.at(-1)!.rss)} without output`);
  }
  const worst = Math.max(...bigs.map((b) => b.rss));
  const worstSecret = Math.max(...secrets.map((b) => b.rss));
  const base = median(smalls.map((s) => s.rss));
  const cpu = median(bigs.map((b) => b.cpuMs));
  const cpuSecret = median(secrets.map((b) => b.cpuMs));
  return [{
    id: 'memory-200mb', figure: 'peak RSS, a step printing 200 MB', value: mib(worst),
    anchor: `same run, no output: ${mib(base)}`, ratio: `${(worst / base).toFixed(2)}×`, target: '≤ 150 MiB',
    met: worst <= TARGET, metric: worst, samples: { rssBytes: bigs.map((b) => b.rss), baselineRssBytes: smalls.map((s) => s.rss), runMs: bigs.map((b) => b.ms) },
    note: `worst of ${rounds} runs; the run took ${ms(median(bigs.map((b) => b.ms)))}`,
  }, {
    id: 'memory-200mb-secret', figure: 'peak RSS, 200 MB with a secret registered', value: mib(worstSecret),
    anchor: `no secret: ${mib(worst)}`, ratio: `${(worstSecret / worst).toFixed(2)}×`, target: '≤ 150 MiB',
    met: worstSecret <= TARGET, metric: worstSecret, samples: { rssBytes: secrets.map((b) => b.rss) },
    note: `worst of ${rounds} runs`,
  }, {
    id: 'mask-200mb-cpu', figure: 'CPU of a run printing 200 MB, a secret registered', value: ms(cpuSecret),
    anchor: `no secret: ${ms(cpu)}`, ratio: `${(cpuSecret / cpu).toFixed(2)}×`, target: '—', met: null, metric: cpuSecret,
    samples: { cpuMs: secrets.map((b) => b.cpuMs), baselineCpuMs: bigs.map((b) => b.cpuMs), runMs: secrets.map((b) => b.ms) },
    note: `median of ${rounds} runs, the engine's process (user + system); the run took ${ms(median(secrets.map((b) => b.ms)))}`,
  }];
}
