// Issue #51, long transcripts: `runbook replay` of a 1 GiB transcript in bounded memory. The transcript is
// written here as a run writes one: a header, then 4,096 step visits, each with its 256 KiB of output (the
// per-visit budget, output-budget.ts) in 4 KiB chunks, its start and finish. Replay streams it line by line
// (transcript/line-scan.ts); `runbook report` writes its postmortem in passes over the file
// (transcript/report/stream.ts). Peak RSS and time of each, its output going to /dev/null.
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAUNCH, NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { timeToExit } from '../lib/proc.js';
import { mib, ms, type Row } from '../lib/table.js';

const CHUNK = 'x'.repeat(4095) + '\n';
const CHUNKS_PER_VISIT = 64;
const RSS_TARGET = 150 * 2 ** 20;

/** A transcript of `visits` step visits, each with 256 KiB of output; its size in bytes. */
function writeTranscript(file: string, visits: number): number {
  const fd = openSync(file, 'w');
  const ts = '2026-11-26T07:00:00.000Z';
  let seq = 0;
  const line = (o: Record<string, unknown>) => `${JSON.stringify({ ...o, seq: seq++, ts })}\n`;
  try {
    const runbook = { name: 'long', title: 'Long', file: file.replace(/\.jsonl$/, '.yaml'), sha256: '0'.repeat(64) };
    writeSync(fd, line({ type: 'header', format: 1, runId: 'bench-long', runbook, inputs: {}, operator: 'bench', host: 'bench', engineVersion: '0' }));
    writeSync(fd, line({ type: 'run-started', runId: 'bench-long', runbook, inputs: {}, dryRun: false }));
    for (let v = 0; v < visits; v++) {
      const id = `s${v}`;
      let block = line({ type: 'step-started', stepId: id, title: id, kind: 'shell', attempt: 1, destructive: false });
      for (let c = 0; c < CHUNKS_PER_VISIT; c++) block += line({ type: 'step-output', stepId: id, stream: 'stdout', chunk: CHUNK });
      block += line({ type: 'step-finished', stepId: id, attempt: 1, result: { status: 'ok', durationMs: 5, exitCode: 0 } });
      writeSync(fd, block);
    }
    writeSync(fd, line({ type: 'run-finished', outcome: 'resolved', message: 'done', durationMs: visits * 5, steps: { ok: visits, failed: 0, skipped: 0 } }));
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}

/** The command's peak RSS and wall time, its stdout to /dev/null (a gigabyte through a pipe would time the bench too). */
/** (`extra`: more of the child's environment.) */
export async function measure(ctx: BenchContext, args: string[], tag: string, extra: Record<string, string> = {}): Promise<{ rss: number; ms: number; code: number | null; err: string }> {
  const out = join(ctx.scratch, `maxrss-${tag}`);
  const preload = pathToFileURL(join(ROOT, 'bench', 'lib', 'maxrss.mjs')).href;
  const devNull = openSync('/dev/null', 'w');
  try {
    const r = await timeToExit(NODE, ['--import', preload, ...LAUNCH, ...args], {
      env: childEnv({ BENCH_MAXRSS_FILE: out, NO_COLOR: '1', ...extra }), stdio: ['ignore', devNull, 'pipe'], limitMs: 900_000,
    });
    let rss = Number.NaN;
    try { rss = Number(readFileSync(out, 'utf8')); } catch { /* it died before exit: the caller reports its code */ }
    return { rss, ms: r.ms, code: r.code, err: r.output };
  } finally {
    closeSync(devNull);
  }
}

export async function longTranscript(ctx: BenchContext): Promise<Row[]> {
  const big = join(ctx.scratch, 'long-1g.jsonl');
  const size = writeTranscript(big, 4096);
  const replay = await measure(ctx, ['replay', big, '--speed', '0'], 'replay');
  if (replay.code !== 0) throw new Error(`replay exited ${replay.code}: ${replay.err}`);
  ctx.log(`replay of ${mib(size)}: ${mib(replay.rss)} peak, ${ms(replay.ms)}`);
  const report = await measure(ctx, ['report', big], 'report');
  if (report.code !== 0) throw new Error(`report exited ${report.code}: ${report.err}`);
  ctx.log(`report of ${mib(size)}: ${mib(report.rss)} peak, ${ms(report.ms)}`);
  return [
    { id: 'replay-1g-rss', figure: `runbook replay --speed 0 of a ${mib(size)} transcript, peak RSS`, value: mib(replay.rss),
      anchor: `${ms(replay.ms)} in all (${(size / 2 ** 20 / (replay.ms / 1000)).toFixed(0)} MiB/s)`, ratio: '—', target: `≤ ${mib(RSS_TARGET)}`, met: replay.rss <= RSS_TARGET, metric: replay.rss },
    { id: 'report-1g-rss', figure: `runbook report of a ${mib(size)} transcript, peak RSS`, value: mib(report.rss),
      anchor: `${ms(report.ms)} in all (three passes over the file)`, ratio: '—', target: `≤ ${mib(RSS_TARGET)}`, met: report.rss <= RSS_TARGET, metric: report.rss },
  ];
}
