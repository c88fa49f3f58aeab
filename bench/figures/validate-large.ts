// Figure 6: validating a generated 1,000-step runbook in process (load, schema, steps, graph,
// expressions, safety lint). Reported: the first call in a fresh process (cold code, what a CLI run
// pays) and the median of later calls.
import { spawnSync } from 'node:child_process';
import { MAX_BYTES } from '../../src/language/load.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { MAX_STEPS } from '../../src/language/validate/index.js';
import { NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { largeRunbook } from '../lib/runbooks.js';
import { median } from '../lib/stats.js';
import { ms, type Row } from '../lib/table.js';

const STEPS = 1000;
const TARGET_MS = 150;

/**
 * The largest generated runbook the validator accepts: the issue asks for 1,000 steps, but a runbook is
 * capped at MAX_STEPS steps and MAX_BYTES bytes (src/language); beyond those it is rejected up front.
 */
function largestAccepted(): { steps: number; text: string } {
  // (+1: the generator adds the end step; groups of five steps.)
  for (let n = Math.floor(Math.min(STEPS, MAX_STEPS - 1) / 5) * 5; n > 5; n -= 5) {
    const text = largeRunbook(n);
    if (Buffer.byteLength(text) <= MAX_BYTES) return { steps: n, text };
  }
  throw new Error('no generated runbook fits the limits');
}

/** Runs in a child (`--child`): prints the first-call time, then the later calls, as JSON. */
export function validateLargeChild(repeat: number): void {
  const { steps, text } = largestAccepted();
  const times: number[] = [];
  for (let i = 0; i <= repeat; i++) {
    const started = performance.now();
    const { runbook, diagnostics } = parseRunbook(text, 'bench-large.yaml');
    times.push(performance.now() - started);
    if (!runbook) throw new Error(`generated runbook is invalid: ${JSON.stringify(diagnostics.slice(0, 3))}`);
  }
  // The 1,000-step runbook itself: how long until it is turned away.
  const full = largeRunbook(STEPS);
  const started = performance.now();
  const rejected = parseRunbook(full, 'bench-1000.yaml');
  const rejectMs = performance.now() - started;
  const why = rejected.diagnostics.find((d) => d.severity === 'error')?.code ?? 'accepted';
  process.stdout.write(JSON.stringify({ steps, bytes: Buffer.byteLength(text), times, full: { bytes: Buffer.byteLength(full), ms: rejectMs, why } }));
}

export async function validateLarge(ctx: BenchContext): Promise<Row[]> {
  const firsts: number[] = [];
  const warm: number[] = [];
  const rejects: number[] = [];
  let bytes = 0;
  let steps = 0;
  let full = { bytes: 0, why: '' };
  const children = Math.max(3, Math.round(ctx.rounds / 3));
  for (let i = 0; i < children; i++) {
    const r = spawnSync(NODE, ['--import', 'tsx', 'bench/run.ts', '--child=validate-large'], { cwd: ROOT, env: childEnv(), encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`validate child failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { steps: number; bytes: number; times: number[]; full: { bytes: number; ms: number; why: string } };
    bytes = out.bytes;
    steps = out.steps;
    full = out.full;
    rejects.push(out.full.ms);
    firsts.push(out.times[0]!);
    warm.push(...out.times.slice(1));
  }
  const first = median(firsts);
  const later = median(warm);
  ctx.log(`validate ${steps} steps: first ${ms(first)}, later ${ms(later)}`);
  const size = `${steps} steps, ${(bytes / 1024).toFixed(0)} KiB`;
  const note = `the largest generated runbook within the limits (${MAX_STEPS} steps, ${MAX_BYTES / 1024} KiB); ${STEPS} steps were asked for`;
  return [
    { id: 'validate-1000-rejected', figure: `validate ${STEPS} steps, ${(full.bytes / 1024).toFixed(0)} KiB: rejected (${full.why})`, value: ms(median(rejects)), anchor: '—', ratio: '—', target: `≤ ${TARGET_MS} ms`, met: median(rejects) <= TARGET_MS, metric: median(rejects), samples: { rejectMs: rejects } },
    { id: 'validate-large-first', figure: `validate ${size}: first call`, value: ms(first), anchor: '—', ratio: '—', target: `≤ ${TARGET_MS} ms`, met: first <= TARGET_MS, metric: first, samples: { firstMs: firsts }, note },
    { id: 'validate-large-warm', figure: `validate ${size}: later calls`, value: ms(later), anchor: '—', ratio: '—', target: `≤ ${TARGET_MS} ms`, met: later <= TARGET_MS, metric: later, samples: { laterMs: warm } },
  ];
}
