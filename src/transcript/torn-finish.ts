// A finish line cut short (a full disk, a kill mid-write) still says the step ended: the engine writes a step's
// finish only once its action is over. So a torn `step-finished` / `item-finished` is read as "ended, outcome
// unknown", with as much of the outcome as the cut left (its status and exit code come first in the line), and
// never as "not finished": a resume must not run an action that completed. Recovered lines say they were cut
// (result.truncated), so a report shows what is known and no more.
import type { TranscriptLine } from '../events/schema.js';
import { STEP_STATUSES as STATUSES } from '../common/classification.js';

const HEAD = /^\{"type":"(step-finished|item-finished)","seq":(\d+),"ts":"([^"\\]+)","stepId":("(?:[^"\\]|\\.)*")/;

/** The finish line a torn text was, as far as it can be told; undefined when it is not one (or too short). */
export function recoverTornFinish(text: string): TranscriptLine | undefined {
  const head = HEAD.exec(text);
  if (!head) return undefined;
  const [, type, seq, ts, idJson] = head;
  let stepId: string;
  try { stepId = JSON.parse(idJson!) as string; } catch { return undefined; }
  const rest = text.slice(head[0].length);
  const status = /"result":\{"status":"([a-z]+)"/.exec(rest)?.[1];
  const exit = /"exitCode":(-?\d+|null)[,}]/.exec(rest)?.[1];
  const known = STATUSES.find((s) => s === status);
  const exitCode = exit === undefined || exit === 'null' ? undefined : Number(exit);
  // What the cut left: the status as written; else the exit status (0 is success); else unknown, a failure that
  // routes as one (the step is not run again).
  const recovered = known ?? (exitCode === undefined ? undefined : exitCode === 0 ? 'ok' : 'failed');
  const result = {
    status: recovered ?? 'failed', durationMs: 0, ...(exitCode !== undefined ? { exitCode } : {}),
    ...(recovered === undefined || recovered !== 'ok' ? { error: known ? 'its finish record was cut off' : 'the step ended, outcome unknown: its finish record was cut off' } : {}),
    truncated: { fields: ['stdout', 'stderr', 'rows'], reason: `the ${type} line was torn (cut off while it was written); ${known ? 'its status' : exitCode !== undefined ? 'its exit status' : 'nothing of its outcome'} could be read` },
  } as const;
  const meta = { seq: Number(seq), ts: ts!, stepId };
  if (type === 'step-finished') {
    const attempt = Number(/"attempt":(\d+)/.exec(rest)?.[1] ?? 1);
    return { type: 'step-finished', ...meta, attempt, result } as unknown as TranscriptLine;
  }
  const index = /^,"index":(\d+)/.exec(rest)?.[1];
  if (index === undefined) return undefined;
  const label = /^,"index":\d+,"label":("(?:[^"\\]|\\.)*")/.exec(rest)?.[1];
  let labelText = `item ${Number(index) + 1}`;
  try { if (label) labelText = JSON.parse(label) as string; } catch { /* keep the default */ }
  return { type: 'item-finished', ...meta, index: Number(index), label: labelText, result } as unknown as TranscriptLine;
}
