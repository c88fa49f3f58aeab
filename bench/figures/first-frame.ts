// Figure 2: `runbook run` of a small runbook until its first output reaches the operator.
// Two honest variants: the plain renderer's first line on a pipe, and the ink UI's first frame on a
// pseudo-terminal (util-linux `script`). Each is compared with `node -e 0` started the same way.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAUNCH, NODE, childEnv, type BenchContext } from '../lib/context.js';
import { shellQuote, timeToExit, timeToOutput, underPty } from '../lib/proc.js';
import { FIRST_FRAME_TITLE, firstFrameRunbook } from '../lib/runbooks.js';
import { median, paired } from '../lib/stats.js';
import { ms, times, type Row } from '../lib/table.js';

const TARGET = 3;
const title = new RegExp(FIRST_FRAME_TITLE);

export async function firstFrame(ctx: BenchContext): Promise<Row[]> {
  const file = join(ctx.scratch, 'first-frame.yaml');
  writeFileSync(file, firstFrameRunbook());
  const rounds = Math.max(5, Math.ceil(ctx.rounds * 0.7));
  // cwd is the scratch folder: the default transcript (./runbook-transcripts/) is written, as in real use.
  const opts = { env: childEnv(), cwd: ctx.scratch, limitMs: 30_000 };
  const rows: Row[] = [];

  const plain = await paired(rounds,
    async () => (await timeToExit(NODE, ['-e', '0'], opts)).ms,
    async () => (await timeToOutput(NODE, [...LAUNCH, 'run', file, '--plain'], title, opts)).ms);
  rows.push(row('run-plain', 'run → first line (plain, pipe)', plain, 'node -e 0'));
  ctx.log(`plain first line: ${times(median(plain.ratios))}`);

  const ptyEnv = { ...opts, env: childEnv({ TERM: 'xterm-256color' }) };
  const sized = (cmd: string) => underPty(`stty cols 120 rows 40; exec ${cmd}`);
  const [ptyCmd, ptyArgs] = sized([NODE, ...LAUNCH, 'run', file].map(shellQuote).join(' '));
  const [anchorCmd, anchorArgs] = sized(`${shellQuote(NODE)} -e 0`);
  const ink = await paired(rounds,
    async () => (await timeToExit(anchorCmd, anchorArgs, ptyEnv)).ms,
    async () => (await timeToOutput(ptyCmd, ptyArgs, title, ptyEnv)).ms);
  rows.push(row('run-ink', 'run → first ink frame (pty)', ink, 'node -e 0 on the same pty'));
  ctx.log(`ink first frame: ${times(median(ink.ratios))}`);
  return rows;
}

function row(id: string, figure: string, p: Awaited<ReturnType<typeof paired>>, anchorName: string): Row {
  const ratio = median(p.ratios);
  return {
    id, figure, value: ms(median(p.subject)), anchor: `${anchorName}: ${ms(median(p.anchor))}`,
    ratio: times(ratio), target: `≤ ${TARGET}×`, met: ratio <= TARGET, metric: ratio,
    samples: { subjectMs: p.subject, anchorMs: p.anchor },
  };
}
