// Plain mode's text: one line per event (plus the output lines and tables they carry), no cursor codes.
// Stateful only where the events are: partial output lines wait for their newline.
import { withheldLine } from '../../secrets/step-taint.js';
import type { ConfirmationRequested, DryRunMode, DryRunShownBecause, GateItem, QuestionAsked, RunEvent, RunFinished } from '../../engine/events.js';
import type { StepResult } from '../../executors/types.js';
import { dryRunPlan } from '../dry-run-plan.js';
import { branchTarget, cleanLine, commandLine, formatDuration, formatValue, oneLine, SHOWN_BECAUSE, tableLines } from '../format.js';
import type { Paint } from './paint.js';
import { splitLines } from '../line-splitter.js';
import { terminalSafe } from '../../common/terminal-text.js';
import { exactLine } from '../visible-text.js';
import { gateItemLines, itemLine } from '../gate-items.js';
import { plural } from '../../common/plural.js';
import { countsText, DryRunShown } from '../../engine/step-counts.js';
import { expectedAnswer } from '../../language/pattern-words.js';
import { resumedReason } from '../resumed-reason.js';
import { exactItems, exactSettings, exactTarget } from '../gate-exact.js';
import { commandBodyLines } from '../command-body.js';

const TABLE = { maxRows: 20, maxCellWidth: 40, maxWidth: 160 };
const label = (word: string) => word.padEnd(9);

export class PlainFormatter {
  private readonly partial = new Map<string, string>();
  private readonly dryRunActions: { stepId: string; command: string; because?: DryRunShownBecause; items?: GateItem[] }[] = [];
  private readonly dryRunModes = new Map<string, DryRunMode>();
  private readonly shownVisits = new DryRunShown();
  private dryRun = false;

  /** ascii: the locale is not UTF-8; a gate's command text is then written in ASCII escapes (ascii-exact.ts). */
  constructor(private readonly p: Paint, private readonly ascii = false) {}

  /** Every line plain mode prints about the run comes from here: the event is made terminal-safe first
   *  (common/terminal-text.ts), before any colour is added. */
  format(raw: RunEvent): string[] {
    const event = terminalSafe(raw);
    const shown = this.shownVisits.take(raw);
    switch (event.type) {
      case 'run-started': {
        this.dryRun = event.dryRun;
        const lines = [`${label('runbook')}${this.p.bold(oneLine(event.runbook.title))} (${event.runbook.name}) ${this.p.dim(event.runbook.file)}`];
        if (event.target) lines.push(`${label('target')}${event.target}`);
        if (event.dryRun) lines.push(this.p.yellow(`${label('dry run')}read-only SQL and probes run; shell steps run in a read-only sandbox; destructive steps are shown, not run`));
        if (event.resumedFrom) lines.push(`${label('resumed')}at step '${event.resumedFrom}'`);
        return lines;
      }
      case 'step-started': {
        const attempt = event.attempt > 1 ? ` (attempt ${event.attempt})` : '';
        const cmd = raw.type === 'step-started' && raw.command ? `: ${commandLine(raw.command)}` : '';
        if (event.dryRun) this.dryRunModes.set(event.stepId, event.dryRun);
        const mode = event.dryRun === 'sandboxed' ? ' (sandboxed)' : event.dryRun === 'sandboxed-offline' ? ' (sandboxed, offline)' : '';
        const start = `${label('start')}${this.p.bold(event.stepId)} [${event.kind}]${attempt}${mode}${cmd}`;
        return event.where ? [start, `${label('on')}${event.where}`] : [start];
      }
      case 'step-process': case 'target-identified': case 'step-session': case 'connection-addresses': case 'called-runbook': // for the transcript (resume's checks), not the screen
        return [];
      case 'already-ran':
        return [`${label('replayed')}${event.stepId}: already ran (${event.status}), not run again`];
      case 'step-output':
        return this.output(event.stepId, event.stream, event.chunk);
      case 'step-finished': {
        // A dry-run step was already reported as skipped; its "ok" adds nothing (known by its skip, not its value).
        const dry = shown && event.result.status === 'ok';
        const withheld = event.result.withheld ? [this.p.dim(`${label('withheld')}${event.stepId}: ${withheldLine(event.result.withheld)} (the live view shows it with w)`)] : [];
        return [...this.flush(event.stepId), ...withheld, ...(dry ? [] : this.finished(event.stepId, event.result, event.willRetry === true))];
      }
      case 'step-skipped': {
        const detail = raw.type === 'step-skipped' ? raw.detail ?? '' : ''; // the command as it runs: commandLine draws it exactly
        if (event.reason === 'dry-run') this.dryRunActions.push({ stepId: event.stepId, command: detail, ...(event.because ? { because: event.because } : {}), ...(event.items ? { items: event.items } : {}) });
        const shown = event.because && event.because !== 'destructive' ? `dry run, ${SHOWN_BECAUSE[event.because]}, shown` : 'dry run, would run';
        const why = event.reason === 'dry-run' ? `${shown}: ${commandLine(detail)}` : event.reason === 'operator' ? `by the operator${event.detail ? ` ${event.detail}` : ''}` : 'its condition is false';
        const rawItems = raw.type === 'step-skipped' ? raw.items : undefined; // the items as they run, drawn exactly
        const items = rawItems ? gateItemLines(exactItems(rawItems)).map((l) => `    ${l}`) : [];
        return [...this.flush(event.stepId), `${label('skipped')}${event.stepId} (${why})`, ...items];
      }
      case 'branch':
        return [`${label('branch')}${event.from} → ${branchTarget(event.to)}${branchWhy(event)}`];
      case 'confirmation-requested': {
        const lines = gateLines(raw.type === 'confirmation-requested' ? raw : event, this.p, this.ascii);
        return this.dryRun ? [...lines, '  dry run:   not asked, not run'] : lines;
      }
      case 'confirmation-answered':
        // Flag approvals are announced by plain-ui with the flag's name; dry-run gates by the skip line.
        if (event.how === 'flag' || event.how === 'dry-run') return [];
        if (event.approver) return [`${label('confirm')}${event.stepId}: ${event.answer === 'yes' ? 'approved' : 'denied'} by ${event.approver} (four eyes)${event.reason ? `: ${event.reason}` : ''}`];
        return [`${label('confirm')}${event.stepId}: ${event.answer} (${event.how}, ${event.by})${event.reason ? `: ${event.reason}` : ''}`];
      case 'question-asked':
        return questionLines(event);
      case 'question-answered':
        return [`${label('answer')}${event.stepId}: ${event.answer}`];
      case 'note':
        return [`${label('note')}${event.by}${event.stepId ? ` at ${event.stepId}` : ''}: ${event.text}`];
      case 'application-check':
        return [`${label('checking')}the application's connection: a login every ${formatDuration(event.everyMs)} for ${formatDuration(event.holdMs)} before it is called resolved`];
      case 'run-finished':
        return [...this.flushAll(), ...this.summary(event)];
      case 'loop-started':
        return [`${label('for each')}${event.stepId}: ${plural(event.items.length, 'item')}`];
      case 'item-finished':
        return [...this.flush(event.stepId), this.itemFinished(event, raw.type === 'item-finished' ? raw.label : event.label)];
      case 'wait-polled': {
        const left = formatDuration(Math.max(0, Date.parse(event.deadlineAt) - Date.now()));
        return [...this.flush(event.stepId), this.p.dim(`${label('waiting')}${event.stepId}: poll ${event.poll} not yet (${event.last}); next in ${formatDuration(event.nextInMs)}, gives up in ${left}`)];
      }
    }
  }

  private output(stepId: string, stream: 'stdout' | 'stderr', chunk: string): string[] {
    const key = `${stepId}\0${stream}`;
    const { lines, rest } = splitLines(this.partial.get(key) ?? '', chunk);
    if (rest) this.partial.set(key, rest); else this.partial.delete(key);
    return lines.map((line) => this.outputLine(stream, line));
  }

  private outputLine(stream: 'stdout' | 'stderr', line: string): string {
    return stream === 'stderr' ? this.p.red(`  ! ${cleanLine(line)}`) : `  | ${cleanLine(line)}`;
  }

  private flush(stepId: string): string[] {
    return (['stdout', 'stderr'] as const).flatMap((stream) => {
      const key = `${stepId}\0${stream}`;
      const rest = this.partial.get(key);
      this.partial.delete(key);
      return rest === undefined ? [] : [this.outputLine(stream, rest)];
    });
  }

  private flushAll(): string[] {
    const ids = new Set([...this.partial.keys()].map((k) => k.split('\0')[0]!));
    return [...ids].flatMap((id) => this.flush(id));
  }

  private finished(stepId: string, r: StepResult, willRetry: boolean): string[] {
    const took = formatDuration(r.durationMs);
    const cls = r.classification && r.classification !== 'ok' ? `, ${r.classification}` : '';
    const value = r.value !== undefined ? `: ${formatValue(r.value)}` : '';
    if (r.status === 'ok') {
      const table = r.columns?.length || r.rows?.length ? tableLines(r.columns ?? [], r.rows ?? [], r.rowCount, TABLE).map((l) => `    ${l}`) : [];
      return [this.p.green(`${label('ok')}${stepId} (${took}${cls})${value}`), ...table];
    }
    if (r.status === 'skipped') return [`${label('skipped')}${stepId}${value}`];
    const why = r.error ?? (r.exitCode !== undefined && r.exitCode !== null ? `exit code ${r.exitCode}` : r.signal ? `signal ${r.signal}` : r.status);
    const word = willRetry ? 'retry' : r.status === 'timeout' ? 'TIMEOUT' : r.status === 'aborted' ? 'aborted' : 'FAILED';
    const tail = willRetry ? '; retrying' : '';
    return [this.p.red(`${label(word)}${stepId} (${took}${cls}): ${why}${tail}`)];
  }

  /** `rawLabel`: the item as the step ran with it, drawn exactly (a look-alike item is not shown as another). */
  private itemFinished(e: Extract<RunEvent, { type: 'item-finished' }>, rawLabel: string): string {
    const r = e.result;
    const head = `  item ${e.index + 1} ${r.status === 'ok' ? 'ok' : r.status.toUpperCase()}: ${cleanLine(exactLine(rawLabel), 200)}`;
    if (r.status === 'ok') return this.p.green(`${head}${r.rowCount !== undefined ? ` (${plural(r.rowCount, 'row')})` : ''}`);
    const why = r.error ?? (r.exitCode !== undefined && r.exitCode !== null ? `exit code ${r.exitCode}` : r.status);
    return this.p.red(`${head}: ${cleanLine(why, 300)}`);
  }

  private summary(e: RunFinished): string[] {
    const colour = e.outcome === 'resolved' ? this.p.green : e.outcome === 'escalate' || e.outcome === 'interrupted' ? this.p.yellow : this.p.red;
    const counts = countsText(e.steps);
    const lines = [colour(`${label('finished')}${e.outcome} in ${formatDuration(e.durationMs)} (${counts})${e.message ? `: ${oneLine(e.message)}` : ''}`)];
    if (!this.dryRun) return lines;
    return [...lines, ...dryRunPlan([...this.dryRunModes], this.dryRunActions, e.outcome).map((l, i) => (i === 0 ? `${label('dry run')}${l}` : l.startsWith('  ') ? l : `${' '.repeat(9)}${l}`))];
  }
}

function branchWhy(e: Extract<RunEvent, { type: 'branch' }>): string {
  if (e.expression !== undefined) return ` (${e.expression} = ${formatValue(e.value)})`;
  if (e.via === 'on') return ' (on the result)';
  if (e.via === 'failure') return ' (the step failed)';
  return '';
}

export function gateLines(raw: ConfirmationRequested, p: Paint, ascii = false): string[] {
  const e = terminalSafe(raw);
  const field = (name: string, value: string) => `  ${(name ? `${name}:` : '').padEnd(11)}${value}`;
  const lines = [p.yellow(`${label('confirm?')}${e.stepId}: ${e.title}${e.risk === 'high' ? ' [high risk]' : ''}`)];
  // Every character that runs, exactly as the terminal UI's gate draws it: a tab as ⇥, a run of spaces counted
  // (·×300), everything outside printable ASCII named (visible-text.ts exactLine) — from the raw command text.
  lines.push(...commandBodyLines(raw.command).map((l, i) => field(i === 0 ? 'would run' : '', exactLine(l, ascii))));
  if (raw.target) lines.push(field('on', exactTarget(raw, ascii)!));
  for (const l of exactSettings(raw, ascii)) lines.push(field(l.label, l.value));
  if (e.description) lines.push(field('why', e.description.trim().split('\n').join(' ')));
  // One line, as every field here: a captured value's line breaks would start lines that read as the engine's own
  // (a probe of stop 69 printed a whole forged dry-run plan under `affects`).
  if (e.blastRadius) lines.push(field('affects', oneLine(e.blastRadius)));
  if (raw.items) lines.push(...gateItemLines(exactItems(raw.items, ascii), raw.itemsDone).map((l, i) => (i === 0 ? field('for each', l) : field('', l))));
  const again = resumedReason(e);
  if (again) lines.push(p.yellow(field('resumed', again.line)));
  return lines;
}

function questionLines(e: QuestionAsked): string[] {
  const a = e.question.action;
  const id = e.question.stepId;
  if (a.kind === 'manual') {
    const lines = [`${label('manual')}${id}: do this by hand, then answer on stdin:`];
    lines.push(...a.instructions.trim().split('\n').map((l) => `  > ${l}`));
    lines.push(a.choices?.length ? `  answer one of: ${oneLine(a.choices.join(', '))}` : "  answer: 'done'");
    return lines;
  }
  const hints = [a.default !== undefined && !a.secret ? `default ${oneLine(String(a.default))}` : '', a.pattern ? `expects ${expectedAnswer(a)}` : '', a.choices?.length ? `one of ${oneLine(a.choices.join(', '))}` : '', a.secret ? 'secret' : '']
    .filter(Boolean).join('; ');
  return [`${label('prompt')}${id}: ${oneLine(a.message)}${hints ? ` (${hints})` : ''}`];
}
