// The timeline (one row per step attempt, skip, resume and the end) and the output each attempt produced.
import { whoDrove } from '../who-drove.js';
import type { StepResult } from '../../executors/types.js';
import type { TranscriptLine } from '../../events/schema.js';
import type { OutputBlock, TimelineRow } from './model.js';
import { withheldLine } from '../../secrets/step-taint.js';
import { SHOWN_BECAUSE } from '../../ui/format.js';
import { plural } from '../../common/plural.js';
import { exactText } from '../../ui/visible-text.js'; // a command as the gate draws it: every character that runs

interface Open { row: TimelineRow; output: OutputBlock }
/** A row and its output, in the order the rows began; `open` until its step finished or the run was cut off. */
interface Entry extends Open { open: boolean }

/**
 * The timeline read one line at a time: each row (and its output) is handed on once it is complete, in the order
 * the rows began, so a reader of a transcript of any size holds only the steps still open (report's streaming
 * writer, stream.ts), and buildReport collects the same rows. `titles`: each step's title as the whole run last
 * rendered it (its rows take it; its output blocks keep the title of their own visit). `withOutput`: whether the
 * output blocks are wanted (their text is not kept otherwise).
 */
export class TimelineFold {
  /** Rows not handed on yet, from `head`; a slot handed on is emptied (its output may be 256 KiB). */
  private readonly queue: Array<Entry | undefined> = [];
  private head = 0;
  private readonly open = new Map<string, Entry>();

  constructor(private readonly titles: ReadonlyMap<string, string>, private readonly withOutput: boolean) {}

  take(line: TranscriptLine): void {
    switch (line.type) {
      case 'step-started': {
        const what = line.dryRun === 'sandboxed' ? `${line.kind} (dry run: in the sandbox)` : line.dryRun === 'sandboxed-offline' ? `${line.kind} (dry run: in the sandbox, offline)` : line.dryRun === 'ran' ? `${line.kind} (dry run: read-only, for real)` : line.kind;
        const row: TimelineRow = { ts: line.ts, stepId: line.stepId, title: line.title, what, ...(line.command !== undefined ? { command: exactText(line.command) } : {}), status: 'running', attempt: line.attempt, destructive: line.destructive };
        const output: OutputBlock = { stepId: line.stepId, title: line.title, attempt: line.attempt, stdout: '', stderr: '' };
        // A step started again before its row closed (not written by the engine): the earlier visit is cut off.
        const before = this.open.get(line.stepId);
        if (before) before.open = false;
        const entry = { row, output, open: true };
        this.queue.push(entry);
        this.open.set(line.stepId, entry);
        break;
      }
      case 'step-output': {
        const target = this.open.get(line.stepId)?.output;
        if (target && this.withOutput) target[line.stream] += line.chunk;
        break;
      }
      case 'output-dropped': {
        // Written just before its step's finish line (transcript/index.ts): the visit is still open.
        const target = this.open.get(line.stepId)?.output;
        if (target) { target.droppedBytes = line.droppedBytes; target.limitBytes = line.limitBytes; }
        break;
      }
      case 'step-finished': {
        const o = this.open.get(line.stepId);
        if (!o) break;
        finish(o, line.result, line.willRetry === true);
        o.open = false;
        this.open.delete(line.stepId);
        break;
      }
      case 'step-skipped': {
        const o = this.open.get(line.stepId);
        const detail = line.reason === 'dry-run' ? `dry run: shown, not run${line.because && line.because !== 'destructive' ? ` (${SHOWN_BECAUSE[line.because]})` : ''}` : line.reason === 'operator' ? `skipped by the operator${line.detail ? ` ${line.detail}` : ''}` : 'its condition did not hold';
        if (o) { o.row.status = 'skipped'; o.row.detail = detail; } else this.closed({ ts: line.ts, stepId: line.stepId, title: line.stepId, what: '(not run)', status: 'skipped', detail });
        break;
      }
      case 'resumed':
        this.interrupt();
        this.closed({ ts: line.ts, stepId: line.stepId, title: line.stepId, status: 'resumed',
          what: `resumed by ${whoDrove(line)}${line.phase === 'route' ? ' (step had finished; taking its branch)' : ''}${line.forced ? ' with --force: the runbook had changed' : ''}` });
        break;
      case 'run-finished':
        this.interrupt();
        this.closed({ ts: line.ts, stepId: line.stepId ?? '', title: line.stepId ?? '', what: 'run finished', status: line.outcome, detail: line.message, durationMs: line.durationMs });
        break;
      default:
    }
  }

  /** The transcript ended: what is still open was cut off. */
  end(): void { this.interrupt(); }

  /** The rows complete so far, in order, each with its output block when that has content (and is wanted). */
  *drain(): Generator<{ row: TimelineRow; output?: OutputBlock }> {
    while (this.head < this.queue.length && !this.queue[this.head]!.open) {
      const { row, output } = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      row.title = this.titles.get(row.stepId) ?? row.title;
      yield this.withOutput && hasContent(output) ? { row, output } : { row };
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) { this.queue.splice(0, this.head); this.head = 0; }
  }

  private closed(row: TimelineRow): void {
    this.queue.push({ row, output: { stepId: row.stepId, title: row.title, attempt: 0, stdout: '', stderr: '' }, open: false });
  }

  private interrupt(): void {
    for (const o of this.open.values()) { o.row.status = 'interrupted'; o.row.detail = 'no result recorded: the run was interrupted'; o.open = false; }
    this.open.clear();
  }
}

/** Every row of the timeline, and with `withOutput` each output block, one pass over `lines`. */
export function* timelineEntries(lines: Iterable<TranscriptLine>, titles: ReadonlyMap<string, string>, withOutput: boolean): Generator<{ row: TimelineRow; output?: OutputBlock }> {
  const fold = new TimelineFold(titles, withOutput);
  for (const line of lines) { fold.take(line); yield* fold.drain(); }
  fold.end();
  yield* fold.drain();
}

function finish(o: Open, r: StepResult, willRetry: boolean): void {
  o.row.durationMs = r.durationMs;
  if (o.row.status === 'skipped') return;     // a dry run showed the step instead of running it
  o.row.status = r.status;
  const detail = summary(r);
  o.row.detail = willRetry ? `${detail}${detail ? '; ' : ''}will retry` : detail;
  if (r.items) o.output.items = r.items.map((i) => ({ index: i.index, label: i.label, status: i.status, summary: summary(i) }));
  else if (r.rows) { o.output.rows = r.rows; o.output.rowCount = r.rowCount ?? r.rows.length; }
  if (r.error) o.output.error = r.error;
  if (r.withheld) o.output.withheld = withheldLine(r.withheld);
  // Output not streamed (an executor that only returns it) is still worth showing.
  if (!o.output.stdout && r.stdout) o.output.stdout = r.stdout;
  if (!o.output.stderr && r.stderr) o.output.stderr = r.stderr;
}

/** The result in a few words: the error if there is one (it names the exit code), else what came back. */
export function summary(r: StepResult): string {
  if (r.items) return itemsSummary(r);
  const parts: string[] = [];
  if (r.classification && r.classification !== 'ok' && r.classification !== 'other') parts.push(r.classification);
  if (r.error) parts.push(r.error);
  else if (r.exitCode !== undefined && r.exitCode !== null) parts.push(`exit ${r.exitCode}`);
  else if (r.signal) parts.push(`signal ${r.signal}`);
  if (r.rowCount !== undefined || r.rows) parts.push(plural(r.rowCount ?? r.rows?.length ?? 0, 'row'));
  if (r.rowsOmitted) parts.push(`${r.rowsOmitted} not kept (${r.bytesOmitted ?? '?'} bytes over the row limit)`);
  if (r.truncated) parts.push(`record truncated: ${r.truncated.fields.join(', ') || 'nothing'} cut (${r.truncated.reason})`);
  if (r.value !== undefined) parts.push(`answer: ${r.value}`);
  if (typeof r.details?.polls === 'number') parts.push(`after ${plural(r.details.polls, 'poll')}`); // a wait step
  return parts.join('; ');
}

/** A for_each step: how its items ended, then the first failure. */
function itemsSummary(r: StepResult): string {
  const by = new Map<string, number>();
  for (const i of r.items ?? []) by.set(i.status, (by.get(i.status) ?? 0) + 1);
  const total = Number(r.details?.items ?? r.items?.length ?? 0);
  const counts = [...by].map(([status, n]) => `${n} ${status}`).join(', ');
  return `${plural(total, 'item')}: ${counts || 'none run'}${r.error ? `; ${r.error}` : ''}`;
}

const hasContent = (o: OutputBlock) => Boolean(o.withheld || o.stdout.trim() || o.stderr.trim() || o.rows?.length || o.items?.length || o.error || o.droppedBytes);
