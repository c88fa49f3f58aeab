// Figure 6: validating a generated 1,000-step runbook in process (load, schema, steps, graph,
// expressions, safety lint). Reported: the first call in a fresh process (cold code, what a CLI run
// pays) and the median of later calls. The code measured is the build the CLI runs (dist/language.mjs);
// without dist/, the sources through tsx, which adds its own helpers to every function.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { parseRunbook as ParseRunbook } from '../../src/language/runbook.js';
import { NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { largeRunbook, shellRunbook } from '../lib/runbooks.js';
import { median } from '../lib/stats.js';
import { ms, type Row } from '../lib/table.js';

const STEPS = 1000;
const TARGET_MS = 150;

const BUILT = join(ROOT, 'dist', 'language.mjs');

/** Runs in a child (`--child`): prints the first-call time, then the later calls, as JSON. */
export async function validateLargeChild(repeat: number): Promise<void> {
  const { parseRunbook } = (existsSync(BUILT) ? await import(pathToFileURL(BUILT).href) : await import('../../src/language/runbook.js')) as { parseRunbook: typeof ParseRunbook };
  const text = largeRunbook(STEPS);
  const steps = STEPS;
  const times: number[] = [];
  for (let i = 0; i <= repeat; i++) {
    const started = performance.now();
    const { runbook, diagnostics } = parseRunbook(text, 'bench-large.yaml');
    times.push(performance.now() - started);
    if (!runbook) throw new Error(`generated runbook is invalid: ${JSON.stringify(diagnostics.slice(0, 3))}`);
  }
  process.stdout.write(JSON.stringify({ steps, bytes: Buffer.byteLength(text), times }));
}

/** Runs in a child (`--child=validate-limit`): load, validate and compile a runbook at the step limit
 *  (MAX_STEPS), the figure test/hardening/regressions.test.ts only guards against blowing up. */
export async function validateLimitChild(repeat: number): Promise<void> {
  const { parseRunbook } = (existsSync(BUILT) ? await import(pathToFileURL(BUILT).href) : await import('../../src/language/runbook.js')) as { parseRunbook: typeof ParseRunbook };
  const { compileRunbook } = await import('../../src/engine/compile.js');
  const { MAX_STEPS } = await import('../../src/language/validate/index.js');
  const text = shellRunbook(MAX_STEPS - 1);
  const times: number[] = [];
  for (let i = 0; i <= repeat; i++) {
    const started = performance.now();
    const { runbook, diagnostics } = parseRunbook(text, 'bench-limit.yaml');
    if (!runbook) throw new Error(`generated runbook is invalid: ${JSON.stringify(diagnostics.slice(0, 3))}`);
    compileRunbook(runbook.doc);
    times.push(performance.now() - started);
  }
  process.stdout.write(JSON.stringify({ steps: MAX_STEPS, times }));
}

const LIMIT_TARGET_MS = 1000;

export async function validateLarge(ctx: BenchContext): Promise<Row[]> {
  const firsts: number[] = [];
  const warm: number[] = [];
  let bytes = 0;
  let steps = 0;
  // The first call swings by ±30% between fresh processes on a shared machine: enough of them for a stable median.
  const children = Math.max(5, Math.round(ctx.rounds * 0.6));
  for (let i = 0; i < children; i++) {
    const r = spawnSync(NODE, ['--import', 'tsx', 'bench/run.ts', '--child=validate-large'], { cwd: ROOT, env: childEnv(), encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`validate child failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { steps: number; bytes: number; times: number[] };
    bytes = out.bytes;
    steps = out.steps;
    firsts.push(out.times[0]!);
    warm.push(...out.times.slice(1));
  }
  const first = median(firsts);
  const later = median(warm);
  ctx.log(`validate ${steps} steps: first ${ms(first)}, later ${ms(later)}`);
  const size = `${steps} steps, ${(bytes / 1024).toFixed(0)} KiB${existsSync(BUILT) ? '' : ', from the sources via tsx'}`;
  const limitFirsts: number[] = [];
  let limitSteps = 0;
  for (let i = 0; i < Math.max(3, Math.round(ctx.rounds / 5)); i++) {
    const r = spawnSync(NODE, ['--import', 'tsx', 'bench/run.ts', '--child=validate-limit'], { cwd: ROOT, env: childEnv(), encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`validate-limit child failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { steps: number; times: number[] };
    limitSteps = out.steps;
    limitFirsts.push(out.times[0]!);
  }
  const atLimit = median(limitFirsts);
  ctx.log(`validate + compile ${limitSteps} steps: first ${ms(atLimit)}`);
  return [
    { id: 'validate-limit-first', figure: `validate + compile at the step limit (${limitSteps} shell steps): first call`, value: ms(atLimit), anchor: '—', ratio: '—', target: `≤ ${LIMIT_TARGET_MS} ms`, met: atLimit <= LIMIT_TARGET_MS, metric: atLimit, samples: { firstMs: limitFirsts } },
    { id: 'validate-large-first', figure: `validate ${size}: first call`, value: ms(first), anchor: '—', ratio: '—', target: `≤ ${TARGET_MS} ms`, met: first <= TARGET_MS, metric: first, samples: { firstMs: firsts } },
    { id: 'validate-large-warm', figure: `validate ${size}: later calls`, value: ms(later), anchor: '—', ratio: '—', target: `≤ ${TARGET_MS} ms`, met: later <= TARGET_MS, metric: later, samples: { laterMs: warm } },
  ];
}
