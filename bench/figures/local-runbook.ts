// Issue #32: what the authoring loop and the first run of a teammate's edited file cost, cold, with the validate
// cache off (RUNBOOK_NO_CACHE=1): a 3-step local runbook and a local copy of pool-exhausted (one comment line
// added, so no build index matches the file), validated and run, each against `node -e 0` in the same rounds
// (paired, interleaved: the machine is shared, so ratios are per round). Runs are `--plain`, with the default
// transcript (cwd is a scratch folder); pool-exhausted runs against a loopback port nothing listens on, so it
// connects, is refused and ends escalate (exit 1): the whole CLI, the engine, the probe and the transcript.
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAUNCH, NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { timeToExit } from '../lib/proc.js';
import { sqlRunbook, writeLocalRunbooks } from '../lib/runbooks.js';
import { median, paired } from '../lib/stats.js';
import { ms, times, type Row } from '../lib/table.js';

const TARGET = 1.5;


export async function localRunbook(ctx: BenchContext): Promise<Row[]> {
  const dir = join(ctx.scratch, 'local-runbook');
  mkdirSync(dir, { recursive: true });
  const { three, pool } = writeLocalRunbooks(dir, ROOT);
  const env = childEnv({ RUNBOOK_NO_CACHE: '1' });
  const refused = 'url=postgres://bench@127.0.0.1:1/app';
  const cases: [string, string, string[], number][] = [
    ['validate', 'cold validate: 3-step local runbook, cache off', ['validate', three], 0],
    ['validate-pool', 'cold validate: local copy of pool-exhausted, cache off', ['validate', pool], 0],
    ['run', 'cold run --plain: 3-step local runbook (2 shell steps), cache off', ['run', three, '--plain'], 0],
    ['run-pool', 'cold run --plain: local pool-exhausted, server refuses, cache off', ['run', pool, '--plain', '--input', refused], 1],
  ];
  const anchor = async () => (await timeToExit(NODE, ['-e', '0'], { env, cwd: dir })).ms;
  const rows: Row[] = [];
  for (const [id, figure, args, code] of cases) {
    const check = await timeToExit(NODE, [...LAUNCH, ...args], { env, cwd: dir });
    if (check.code !== code) throw new Error(`runbook ${args.join(' ')} exited ${check.code}, expected ${code}:\n${check.output}`);
    rows.push(await pairedRow(ctx, id, figure, anchor, async () => (await timeToExit(NODE, [...LAUNCH, ...args], { env, cwd: dir })).ms));
  }
  rows.push(...await sqlEdits(ctx, dir, anchor));
  return rows;
}

/** `subject` against `anchor` (node -e 0) in the same rounds, as a row with the ≤ TARGET× target. */
async function pairedRow(ctx: BenchContext, id: string, figure: string, anchor: () => Promise<number>, subject: () => Promise<number>): Promise<Row> {
  const p = await paired(ctx.rounds, anchor, subject, 2);
  const ratio = median(p.ratios);
  ctx.log(`${figure}: ${times(ratio)}`);
  return {
    id: `local-${id}`, figure, value: ms(median(p.subject)), anchor: `node -e 0: ${ms(median(p.anchor))}`,
    ratio: times(ratio), target: `≤ ${TARGET}×`, met: ratio <= TARGET, metric: ratio,
    samples: { subjectMs: p.subject, anchorMs: p.anchor },
  };
}

/** Issue #51: a local runbook whose SQL no build index knows, validated cold with every cache off (the parser
 *  loads), and after an edit that leaves its SQL alone with the caches on (validate's file cache misses, each
 *  statement's verdict is on disk: no parser). Each round of the second edits the file first. */
async function sqlEdits(ctx: BenchContext, dir: string, anchor: () => Promise<number>): Promise<Row[]> {
  const file = join(dir, 'sql-local.yaml');
  writeFileSync(file, sqlRunbook(3, "SELECT count(*) AS bench_sessions FROM pg_stat_activity WHERE backend_type = 'client backend'"));
  const off = childEnv({ RUNBOOK_NO_CACHE: '1' });
  const on = childEnv({ XDG_CACHE_HOME: mkdtempSync(join(ctx.scratch, 'sql-cache-')) });
  const primed = await timeToExit(NODE, [...LAUNCH, 'validate', file], { env: on, cwd: dir });
  if (primed.code !== 0) throw new Error(`runbook validate exited ${primed.code}:\n${primed.output}`);
  let edit = 0;
  const cases: [string, string, () => Promise<number>][] = [
    ['validate-sql', 'cold validate: 3 SQL steps no build index knows, cache off', async () => (await timeToExit(NODE, [...LAUNCH, 'validate', file], { env: off, cwd: dir })).ms],
    ['validate-sql-edited', 'cold validate: the same, after an edit that leaves the SQL alone, caches on', async () => {
      appendFileSync(file, `# edit ${++edit}\n`); // the file's cache misses; every statement's verdict is kept
      return (await timeToExit(NODE, [...LAUNCH, 'validate', file], { env: on, cwd: dir })).ms;
    }],
  ];
  const rows: Row[] = [];
  for (const [id, figure, subject] of cases) rows.push(await pairedRow(ctx, id, figure, anchor, subject));
  return rows;
}
