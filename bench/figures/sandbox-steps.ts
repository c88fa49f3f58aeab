// What the sandbox adds to a proven-read shell step (issue #28: run such steps sandboxed in real runs if it costs
// under 5 ms a step). The shell executor runs `cat /etc/hostname` 500 times each way, alternating step by step
// so a burst of load hits both: plain, and in the sandbox with the network (read-only files, private /tmp and
// /run, the host's /proc in a PID and user namespace of its own, the seccomp filter). Per step, median of 500.
import { spawnSync } from 'node:child_process';
import { which } from 'zx';
import { createShellExecutor } from '../../src/executors/shell.js';
import { sandboxAvailable } from '../../src/executors/sandbox.js';
import type { ExecContext, ShellAction } from '../../src/executors/types.js';
import type { BenchContext } from '../lib/context.js';
import { median } from '../lib/stats.js';
import { ms, type Row } from '../lib/table.js';

const STEPS = 500;
const TARGET_MS = 5;

const context = (i: number): ExecContext => ({
  stepId: `s${i}`, signal: new AbortController().signal, onOutput: () => undefined,
  ask: () => Promise.reject(new Error('no questions here')), mask: (t) => t,
});

export async function sandboxSteps(ctx: BenchContext): Promise<Row[]> {
  if (!sandboxAvailable()) return [{ id: 'sandbox-step', figure: 'sandboxed proven-read shell step', value: 'no sandbox here', anchor: '—', ratio: '—', target: `≤ +${TARGET_MS} ms/step`, met: null }];
  const shell = createShellExecutor();
  const action = (sandbox: boolean): ShellAction => ({ kind: 'shell', script: 'cat /etc/hostname', values: [], env: {}, cwd: ctx.scratch, ...(sandbox ? { sandbox: 'network' as const } : {}) });
  const one = async (sandbox: boolean, i: number): Promise<number> => {
    const t = performance.now();
    const r = await shell.execute(action(sandbox), context(i));
    if (r.status !== 'ok') throw new Error(`step ${i}${sandbox ? ' (sandboxed)' : ''}: ${r.error ?? r.status}`);
    return performance.now() - t;
  };
  const plain: number[] = [];
  const boxed: number[] = [];
  try {
    for (let i = 0; i < 20; i++) { await one(false, i); await one(true, i); } // warm-up
    for (let i = 0; i < STEPS; i++) {
      // The order flips every step: neither always runs second, in a warmer cache.
      if (i % 2) { boxed.push(await one(true, i)); plain.push(await one(false, i)); } else { plain.push(await one(false, i)); boxed.push(await one(true, i)); }
      if ((i + 1) % 100 === 0) ctx.log(`sandbox ${i + 1}/${STEPS}: plain ${ms(median(plain))}, sandboxed ${ms(median(boxed))}`);
    }
  } finally {
    await shell.close();
  }
  const cost = median(boxed.map((b, i) => b - plain[i]!));
  return [...floor(), {
    id: 'sandbox-step', figure: `proven-read shell step in the sandbox (${STEPS} steps, median)`, value: ms(median(boxed)),
    anchor: `the same step unsandboxed: ${ms(median(plain))}`, ratio: `+${cost.toFixed(2)} ms/step`, target: `≤ +${TARGET_MS} ms/step`,
    met: cost <= TARGET_MS, metric: cost, samples: { sandboxedMs: boxed, plainMs: plain },
    note: 'shell executor only (no engine): bash + bwrap + the filter on fd 9, per step',
  }];
}

/** The floor under any sandbox of namespaces: what creating one user namespace costs here (unshare -U true vs
 *  true), the same way, step by step. */
function floor(): Row[] {
  const unshare = which.sync('unshare', { nothrow: true });
  if (!unshare) return [];
  const time = (argv: string[]): number => { const t = performance.now(); spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore' }); return performance.now() - t; };
  const diffs: number[] = [];
  for (let i = 0; i < STEPS; i++) diffs.push(time([unshare, '-U', 'true']) - time(['true']));
  const cost = median(diffs);
  return [{
    id: 'sandbox-userns-floor', figure: 'of which a user namespace alone (unshare -U true vs true)', value: `+${cost.toFixed(2)} ms`,
    anchor: '—', ratio: '—', target: '—', met: null, metric: cost, samples: { diffMs: diffs },
    note: 'no sandbox can cost less than creating its namespaces',
  }];
}
