// Issue #51, long transcripts: `runbook resume` of a 1 GiB transcript in bounded memory. A real run of a polling
// runbook is interrupted in its last step; its one visit of the polling step (256 KiB of output, the per-visit
// budget, in output lines; its finish line holds the result's own 128 KiB of it) is then repeated to 2,730 visits,
// as a run polling that long writes them: ~1 GiB. The resume rebuilds the run from it streamed
// (transcript/resume-read.ts), runs the last step and ends resolved.
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LAUNCH, NODE, childEnv, type BenchContext } from '../lib/context.js';
import { timeToExit } from '../lib/proc.js';
import { mib, ms, type Row } from '../lib/table.js';
import { measure } from './long-transcript.js';

const VISITS = Number(process.env.BENCH_RESUME_VISITS ?? 2730); // fewer to try the figure out quickly
const RSS_TARGET = 150 * 2 ** 20;

const RUNBOOK = `name: long-resume
title: Polls long, then finishes
inputs:
  dir: { required: true }
steps:
  - id: poll
    destructive: false
    safe_because: prints only
    shell: printf '%0262144d' 0
    max_visits: 10000
    next: finish
  - id: finish
    destructive: false
    safe_because: waits for a file only
    shell: "[ -e \${{ inputs.dir }}/go ] || sleep 120"
  - id: done
    end: resolved
    message: finished
`;

type Line = { type: string; stepId?: string; seq: number; [k: string]: unknown };

/** The interrupted run's lines, with its visit of `poll` repeated to VISITS visits (poll → poll branches). */
function lengthen(real: Line[], file: string): number {
  const start = real.findIndex((l) => l.type === 'step-started' && l.stepId === 'poll');
  const end = real.findIndex((l) => l.type === 'branch' && l.from === 'poll');
  if (start < 0 || end < 0) throw new Error('the real run has no visit of poll');
  const visit = real.slice(start, end);
  const fd = openSync(file, 'w');
  let seq = 0;
  const put = (ls: Line[]) => writeSync(fd, ls.map((l) => `${JSON.stringify({ ...l, seq: seq++ })}\n`).join(''));
  try {
    put(real.slice(0, start));
    for (let v = 1; v < VISITS; v++) put([...visit, { ...real[end]!, to: 'poll', seq: 0 }]);
    put(real.slice(start));
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}

export async function longResume(ctx: BenchContext): Promise<Row[]> {
  const rb = join(ctx.scratch, 'long-resume.yaml');
  writeFileSync(rb, RUNBOOK);
  const real = join(ctx.scratch, 'long-resume-real.jsonl');
  // The resume's environment is the run's (a resume refuses another): measure's variable included.
  const env = childEnv({ XDG_STATE_HOME: join(ctx.scratch, 'state'), BENCH_MAXRSS_FILE: join(ctx.scratch, 'maxrss-resume') });
  // The real run, stopped (SIGTERM: interrupted) while its last step waits.
  const run = timeToExit(NODE, [...LAUNCH, 'run', rb, '--plain', '--yes', '--transcript', real, '--input', `dir=${ctx.scratch}`], { env, limitMs: 60_000 });
  for (let i = 0; i < 300 && !readIf(real).includes('"stepId":"finish"'); i++) await new Promise((r) => setTimeout(r, 100));
  const header = JSON.parse(readIf(real).split('\n')[0] || '{}') as { pid?: number };
  if (header.pid) process.kill(header.pid, 'SIGTERM');
  await run;
  const lines = readFileSync(real, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  if (lines[lines.length - 1]?.outcome !== 'interrupted') throw new Error(`the real run did not end interrupted: ${lines[lines.length - 1]?.type}`);
  const big = join(ctx.scratch, 'long-resume-1g.jsonl');
  const size = lengthen(lines, big);
  writeFileSync(join(ctx.scratch, 'go'), '');
  const resume = await measure(ctx, ['resume', big, '--plain', '--yes'], 'resume', { XDG_STATE_HOME: join(ctx.scratch, 'state') });
  if (resume.code !== 0) throw new Error(`resume exited ${resume.code}: ${resume.err}`);
  if (!tail(big).includes('"outcome":"resolved"')) throw new Error('the resumed run did not end resolved');
  ctx.log(`resume of ${mib(size)}: ${mib(resume.rss)} peak, ${ms(resume.ms)}`);
  return [
    { id: 'resume-1g-rss', figure: `runbook resume of a ${mib(size)} transcript (${VISITS} visits of 256 KiB output), peak RSS`, value: mib(resume.rss),
      anchor: `${ms(resume.ms)} in all (two reads of the file, the last step run, resolved)`, ratio: '—', target: `≤ ${mib(RSS_TARGET)}`, met: resume.rss <= RSS_TARGET, metric: resume.rss },
  ];
}

/** The file's last 4 KiB (the whole of it would not fit in one string). */
function tail(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const got = readSync(fd, buffer, 0, buffer.length, Math.max(0, statSync(file).size - buffer.length));
    return buffer.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function readIf(file: string): string {
  try { return readFileSync(file, 'utf8'); } catch { return ''; }
}
