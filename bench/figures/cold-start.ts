// Figure 1: cold start of the built CLI against bare `node -e 0`, measured back to back.
// `list` and `validate runbooks/` find the built-ins in dist/prevalidated.json; the last case validates
// copies of them (one comment line added, so no index entry matches): what a local runbook costs.
import { appendFileSync, copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { timeToExit } from '../lib/proc.js';
import { median, paired } from '../lib/stats.js';
import { ms, times, type Row } from '../lib/table.js';

const TARGET = 1.3;

export async function coldStart(ctx: BenchContext): Promise<Row[]> {
  const env = childEnv();
  const anchor = async () => (await timeToExit(NODE, ['-e', '0'], { env, cwd: ROOT })).ms;
  const copies = join(ctx.scratch, 'local-runbooks');
  mkdirSync(copies, { recursive: true });
  for (const f of readdirSync(join(ROOT, 'runbooks')).filter((f) => f.endsWith('.yaml') && !f.includes('.cases.'))) {
    copyFileSync(join(ROOT, 'runbooks', f), join(copies, f));
    appendFileSync(join(copies, f), '# a local copy\n');
  }
  const cases: [string, string[], string][] = [
    ['cold start: runbook --version', ['--version'], 'version'],
    ['cold start: runbook list', ['list'], 'list'],
    ['cold start: runbook validate runbooks/', ['validate', 'runbooks/'], 'validate'],
    ['cold start: validate the same, as local files', ['validate', copies], 'validate-local'],
  ];
  const rows: Row[] = [];
  for (const [figure, args, id] of cases) {
    const check = await timeToExit(NODE, [BIN, ...args], { env, cwd: ROOT });
    if (check.code !== 0) throw new Error(`runbook ${args.join(' ')} exited ${check.code}:\n${check.output}`);
    const subject = async () => (await timeToExit(NODE, [BIN, ...args], { env, cwd: ROOT })).ms;
    const p = await paired(ctx.rounds, anchor, subject, 2);
    const ratio = median(p.ratios);
    rows.push({
      id: `cold-${id}`, figure, value: ms(median(p.subject)), anchor: `node -e 0: ${ms(median(p.anchor))}`,
      ratio: times(ratio), target: `≤ ${TARGET}×`, met: ratio <= TARGET, metric: ratio,
      samples: { subjectMs: p.subject, anchorMs: p.anchor },
    });
    ctx.log(`${figure}: ${times(ratio)}`);
  }
  return rows;
}
