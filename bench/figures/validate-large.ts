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
import { largeRunbook } from '../lib/runbooks.js';
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
  return [
    { id: 'validate-large-first', figure: `validate ${size}: first call`, value: ms(first), anchor: '—', ratio: '—', target: `≤ ${TARGET_MS} ms`, met: first <= TARGET_MS, metric: first, samples: { firstMs: firsts } },
    { id: 'validate-large-warm', figure: `validate ${size}: later calls`, value: ms(later), anchor: '—', ratio: '—', target: `≤ ${TARGET_MS} ms`, met: later <= TARGET_MS, metric: later, samples: { laterMs: warm } },
  ];
}
