// Figure: CPU while the ink UI waits at a confirmation gate (issue #17: "render only on change (clock at
// 1 Hz; idle CPU ≈ 0)"). A real run in a real terminal (tmux on its own socket, as test/ui/terminal.ts) of a
// runbook whose second step is destructive; once the gate is drawn and its keys are live, the CLI process's
// CPU time (utime+stime in /proc/<pid>/stat) and the bytes it writes to the tty are measured over the window.
// At a gate only the header's clock (m:ss) and the step's spinner change, once a second: 1 frame/s. ink
// redraws the whole frame for it (layout, then every row re-tokenized), so the 1 Hz clock is nearly all of
// the idle CPU: with the clock stopped the same gate idles at ~0.5 ms/s (measured 2026-11, see performance.md).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAUNCH, NODE, type BenchContext } from '../lib/context.js';
import { shellQuote } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import type { Row } from '../lib/table.js';

const TMUX = '/usr/bin/tmux';
/** "≈ 0": at most this much CPU per second idle (one 1 Hz redraw of a small frame costs well under 1 ms). */
const TARGET_MS_PER_S = 5;
const WINDOW_MS = 10_000;
const TICKS_PER_S = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

const RUNBOOK = `name: gate-idle
title: Gate idle bench
summary: Reaches a destructive gate and waits there.
steps:
  - id: look
    title: Look around
    shell: echo looked
  - id: change
    title: Change something
    destructive: true
    blast_radius: nothing (a benchmark)
    shell: echo changed
  - id: done
    end: resolved
    message: Done.
`;

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name may hold spaces
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S; // utime, stime (fields 14, 15)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function oneRound(ctx: BenchContext, round: number): Promise<{ msPerS: number; bytes: number; frames: number }> {
  const file = join(ctx.scratch, 'gate-idle.yaml');
  writeFileSync(file, RUNBOOK);
  const socket = `runbook-bench-${process.pid}-${round}`;
  const pidFile = join(ctx.scratch, `gate-idle-${round}.pid`);
  const raw = join(ctx.scratch, `gate-idle-${round}.raw`);
  const tmux = (...args: string[]) => execFileSync(TMUX, ['-L', socket, ...args], { encoding: 'utf8', timeout: 10_000 });
  const command = `cd ${shellQuote(ctx.scratch)} && echo $$ > ${shellQuote(pidFile)} && exec env -u NODE_OPTIONS -u RUNBOOK_DEBUG CI=true NO_COLOR=1 TERM=xterm-256color ${shellQuote(NODE)} ${LAUNCH.map(shellQuote).join(' ')} run ${shellQuote(file)} --no-transcript`;
  tmux('new-session', '-d', '-x', '100', '-y', '40', '-s', 'b', command);
  try {
    // Wait (bounded) for the gate with its keys live: the arming window is over, nothing more is pending.
    const until = Date.now() + 30_000;
    while (!tmux('capture-pane', '-p', '-t', 'b').includes('abort the run')) {
      if (Date.now() > until) throw new Error(`no gate within 30 s:\n${tmux('capture-pane', '-p', '-t', 'b')}`);
      await sleep(100);
    }
    await sleep(1000); // let the gate's first frames and timers settle
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    tmux('pipe-pane', '-o', '-t', 'b', `cat >> ${shellQuote(raw)}`);
    await sleep(200);
    const before = cpuMs(pid);
    const bytesBefore = existsSync(raw) ? statSync(raw).size : 0;
    const started = process.hrtime.bigint();
    await sleep(WINDOW_MS);
    const after = cpuMs(pid);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const out = existsSync(raw) ? readFileSync(raw) : Buffer.alloc(0);
    const written = out.subarray(bytesBefore);
    // ink redraws the whole frame (no incremental rendering: src/ui/ink/mount.tsx); each holds the title once.
    const frames = written.toString('utf8').split('Gate idle bench').length - 1;
    return { msPerS: (after - before) / seconds, bytes: written.length / seconds, frames: frames / seconds };
  } finally {
    try { tmux('kill-server'); } catch { /* already gone */ }
  }
}

export async function gateIdle(ctx: BenchContext): Promise<Row[]> {
  if (!existsSync(TMUX)) throw new Error('tmux is not installed');
  const rounds = Math.max(2, Math.ceil(ctx.rounds / 5));
  const samples: { msPerS: number; bytes: number; frames: number }[] = [];
  for (let i = 0; i < rounds; i++) samples.push(await oneRound(ctx, i));
  const cpu = median(samples.map((s) => s.msPerS));
  const bytes = median(samples.map((s) => s.bytes));
  const frames = median(samples.map((s) => s.frames));
  ctx.log(`gate idle: ${cpu.toFixed(2)} ms CPU/s, ${bytes.toFixed(0)} B/s, ${frames.toFixed(1)} frames/s`);
  return [
    {
      id: 'gate-idle-cpu', figure: `idle at a gate: CPU (ink, tmux, ${WINDOW_MS / 1000} s)`, value: `${cpu.toFixed(2)} ms/s`,
      anchor: '—', ratio: '—', target: `≤ ${TARGET_MS_PER_S} ms/s`, met: cpu <= TARGET_MS_PER_S, metric: cpu,
      samples: { msPerS: samples.map((s) => s.msPerS) },
    },
    {
      id: 'gate-idle-tty', figure: 'idle at a gate: written to the tty', value: `${bytes.toFixed(0)} B/s, ${frames.toFixed(1)} frames/s`,
      anchor: '—', ratio: '—', target: '≤ 1 frame/s', met: frames <= 1.05, metric: frames,
      samples: { bytesPerS: samples.map((s) => s.bytes), framesPerS: samples.map((s) => s.frames) },
    },
  ];
}
