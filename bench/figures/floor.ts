// Issue #32's floor: what a cold run and a cold validate cost when they do only what the packages the mission
// names (zx, xstate, js-yaml) and the run's guarantees (a locked, hashed, fsynced transcript) force, with none of
// runbook's own code. Each program in bench/floor/ is bundled and loaded with a V8 code cache, as dist/run.cjs is,
// and timed paired with `node -e 0`, so the `local` rows can be read against what no implementation can go below.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { timeToExit } from '../lib/proc.js';
import { writeLocalRunbooks } from '../lib/runbooks.js';
import { median, paired } from '../lib/stats.js';
import { ms, times, type Row } from '../lib/table.js';


interface Floor { id: string; figure: string; program: string; args: (dir: string) => string[] }

const FLOORS: Floor[] = [
  { id: 'zx', figure: 'floor: zx/core loaded, nothing run', program: 'zx-core.cjs', args: () => [] },
  {
    id: 'run', figure: 'floor: 3-step run with zx, xstate, js-yaml, a flock, sha256, 2 fsyncs, 2 zx steps',
    program: 'three-steps.cjs', args: (dir) => [join(dir, 'three.yaml'), join(dir, 'floor.jsonl')],
  },
  { id: 'yaml', figure: 'floor: js-yaml reads the local pool-exhausted copy', program: 'yaml-read.cjs', args: (dir) => [join(dir, 'pool-exhausted.yaml')] },
];

/** One CommonJS file per program, as bin/bundle.mjs makes run.cjs, then one training run for its code cache. */
async function prepare(dir: string, floor: Floor, env: NodeJS.ProcessEnv): Promise<string[]> {
  const outfile = join(dir, floor.program);
  await build({
    entryPoints: [join(ROOT, 'bench', 'floor', floor.program)], outfile, bundle: true, format: 'cjs', platform: 'node',
    target: 'node20', logLevel: 'warning', minifyWhitespace: true, minifySyntax: true,
  });
  const argv = [join(ROOT, 'bench', 'floor', 'load-cached.cjs'), outfile, ...floor.args(dir)];
  const trained = await timeToExit(NODE, argv, { env: { ...env, TRAIN: '1' }, cwd: dir });
  if (trained.code !== 0) throw new Error(`floor ${floor.program} exited ${trained.code}:\n${trained.output}`);
  return argv;
}

export async function floor(ctx: BenchContext): Promise<Row[]> {
  const dir = join(ctx.scratch, 'floor');
  mkdirSync(dir, { recursive: true });
  writeLocalRunbooks(dir, ROOT);
  const env = childEnv();
  const anchor = async () => (await timeToExit(NODE, ['-e', '0'], { env, cwd: dir })).ms;
  const rows: Row[] = [];
  for (const f of FLOORS) {
    const argv = await prepare(dir, f, env);
    const p = await paired(ctx.rounds, anchor, async () => (await timeToExit(NODE, argv, { env, cwd: dir })).ms, 2);
    const ratio = median(p.ratios);
    rows.push({
      id: `floor-${f.id}`, figure: f.figure, value: ms(median(p.subject)), anchor: `node -e 0: ${ms(median(p.anchor))}`,
      ratio: times(ratio), target: '—', met: null, metric: ratio, samples: { subjectMs: p.subject, anchorMs: p.anchor },
    });
    ctx.log(`${f.figure}: ${times(ratio)}`);
  }
  return rows;
}
