// The timeline (one row per step attempt, skip, resume and the end) and the output each attempt produced.
import { whoDrove } from '../who-drove.js';
import type { StepResult } from '../../executors/types.js';
import type { TranscriptLine } from '../../events/schema.js';
import type { OutputBlock, TimelineRow } from './model.js';
import { withheldLine } from '../../secrets/step-taint.js';
import { SHOWN_BECAUSE } from '../../ui/format.js';
import { plural } from '../../common/plural.js';

interface Open { row: TimelineRow; output: OutputBlock }

export function timelineOf(lines: TranscriptLine[]): { timeline: TimelineRow[]; outputs: OutputBlock[] } {
  const timeline: TimelineRow[] = [];
  const outputs: OutputBlock[] = [];
  const open = new Map<string, Open>();
  const last = new Map<string, OutputBlock>();     // the latest attempt of each step, for output-dropped
  const interrupt = () => { for (const { row } of open.values()) { row.status = 'interrupted'; row.detail = 'no result recorded: the run was interrupted'; } open.clear(); };
  for (const line of lines) {
    switch (line.type) {
      case 'step-started': {
        const what = line.dryRun === 'sandboxed' ? `${line.kind} (dry run: in the sandbox)` : line.dryRun === 'sandboxed-offline' ? `${line.kind} (dry run: in the sandbox, offline)` : line.dryRun === 'ran' ? `${line.kind} (dry run: read-only, for real)` : line.kind;
        const row: TimelineRow = { ts: line.ts, stepId: line.stepId, title: line.title, what, ...(line.command !== undefined ? { command: line.command } : {}), status: 'running', attempt: line.attempt, destructive: line.destructive };
        const output: OutputBlock = { stepId: line.stepId, title: line.title, attempt: line.attempt, stdout: '', stderr: '' };
        timeline.push(row); outputs.push(output);
        open.set(line.stepId, { row, output }); last.set(line.stepId, output);
        break;
      }
      case 'step-output': {
        const target = open.get(line.stepId)?.output;
        if (target) target[line.stream] += line.chunk;
        break;
      }
      case 'output-dropped': {
        const target = last.get(line.stepId);
        if (target) { target.droppedBytes = line.droppedBytes; target.limitBytes = line.limitBytes; }
        break;
      }
      case 'step-finished': {
        const o = open.get(line.stepId);
        if (!o) break;
        finish(o, line.result, line.willRetry === true);
        open.delete(line.stepId);
        break;
      }
      case 'step-skipped': {
        const o = open.get(line.stepId);
        const detail = line.reason === 'dry-run' ? `dry run: shown, not run${line.because && line.because !== 'destructive' ? ` (${SHOWN_BECAUSE[line.because]})` : ''}` : line.reason === 'operator' ? `skipped by the operator${line.detail ? ` ${line.detail}` : ''}` : 'its condition did not hold';
        if (o) { o.row.status = 'skipped'; o.row.detail = detail; } else timeline.push({ ts: line.ts, stepId: line.stepId, title: line.stepId, what: '(not run)', status: 'skipped', detail });
        break;
      }
      case 'resumed':
        interrupt();
        timeline.push({ ts: line.ts, stepId: line.stepId, title: line.stepId, status: 'resumed',
          what: `resumed by ${whoDrove(line)}${line.phase === 'route' ? ' (step had finished; taking its branch)' : ''}${line.forced ? ' with --force: the runbook had changed' : ''}` });
        break;
      case 'run-finished':
        interrupt();
        timeline.push({ ts: line.ts, stepId: line.stepId ?? '', title: line.stepId ?? '', what: 'run finished', status: line.outcome, detail: line.message, durationMs: line.durationMs });
        break;
      default:
    }
  }
  interrupt();
  return { timeline, outputs: outputs.filter(hasContent) };
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
