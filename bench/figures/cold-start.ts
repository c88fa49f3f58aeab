// Figure 1: cold start of the built CLI against bare `node -e 0`, measured back to back.
// `list` and `validate runbooks/` find the built-ins in dist/prevalidated.json; the last case validates
// copies of them (one comment line added, so no index entry matches): what a local runbook costs, validated in
// full (RUNBOOK_NO_CACHE=1), validated on a cache miss (an empty cache: the first validate, which fills it) and
// answered from the validate cache (src/catalog/validate-cache.ts, issue #18:
// ≤ 1.3×), with the cache in the scratch folder, filled by the check run before the timing.
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LAUNCH, NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { timeToExit } from '../lib/proc.js';
import { median, paired } from '../lib/stats.js';
import { ms, times, type Row } from '../lib/table.js';

const TARGET = 1.3;
const untargeted = (id: string) => id === 'validate-local' || id === 'validate-local-miss';

export async function coldStart(ctx: BenchContext): Promise<Row[]> {
  const env = childEnv();
  const anchor = async () => (await timeToExit(NODE, ['-e', '0'], { env, cwd: ROOT })).ms;
  const copies = join(ctx.scratch, 'local-runbooks');
  mkdirSync(copies, { recursive: true });
  for (const f of readdirSync(join(ROOT, 'runbooks')).filter((f) => f.endsWith('.yaml') && !f.includes('.cases.'))) {
    copyFileSync(join(ROOT, 'runbooks', f), join(copies, f));
    appendFileSync(join(copies, f), '# a local copy\n');
  }
  const cached = childEnv({ XDG_CACHE_HOME: join(ctx.scratch, 'cache') });
  const full = childEnv({ RUNBOOK_NO_CACHE: '1' });
  // A cache miss: the first validate of these files (new or just edited), cache on but empty, so the run
  // validates in full and then writes its entries. A fresh cache folder per call.
  let misses = 0;
  const empty = () => childEnv({ XDG_CACHE_HOME: mkdtempSync(join(ctx.scratch, `miss-${misses++}-`)) });
  const cases: [string, string[], string, (() => NodeJS.ProcessEnv)?][] = [
    ['cold start: runbook --version', ['--version'], 'version'],
    ['cold start: runbook list', ['list'], 'list'],
    ['cold start: runbook validate runbooks/', ['validate', 'runbooks/'], 'validate'],
    ['cold start: validate the same, as local files, cache off', ['validate', copies], 'validate-local', () => full],
    ['cold start: validate local files, cache miss (first validate: fills it)', ['validate', copies], 'validate-local-miss', empty],
    ['cold start: validate local files, cache hit', ['validate', copies], 'validate-local-cached', () => cached],
  ];
  const rows: Row[] = [];
  for (const [figure, args, id, caseEnv = () => env] of cases) {
    const check = await timeToExit(NODE, [...LAUNCH, ...args], { env: caseEnv(), cwd: ROOT });
    if (check.code !== 0) throw new Error(`runbook ${args.join(' ')} exited ${check.code}:\n${check.output}`);
    const subject = async () => (await timeToExit(NODE, [...LAUNCH, ...args], { env: caseEnv(), cwd: ROOT })).ms;
    const p = await paired(ctx.rounds, anchor, subject, 2);
    const ratio = median(p.ratios);
    rows.push({
      id: `cold-${id}`, figure, value: ms(median(p.subject)), anchor: `node -e 0: ${ms(median(p.anchor))}`,
      // Full validation of a local file (cache off, or a miss) is the work itself, not a start-up cost: shown, no target.
      ratio: times(ratio), target: untargeted(id) ? '—' : `≤ ${TARGET}×`, met: untargeted(id) ? null : ratio <= TARGET, metric: ratio,
      samples: { subjectMs: p.subject, anchorMs: p.anchor },
    });
    ctx.log(`${figure}: ${times(ratio)}`);
  }
  return rows;
}
