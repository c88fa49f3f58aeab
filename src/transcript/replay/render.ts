// One transcript line as the terminal shows it on replay: a time, a symbol, what happened. Every line goes
// through terminalText (common/terminal-text.ts): recorded output cannot act on the viewer's terminal.
import { terminalText } from '../../common/terminal-text.js';
import { fitRow } from '../../ui/fit-row.js';
import { bytes, clock, duration } from '../report/format.js';
import { summary } from '../report/timeline.js';
import { commandLine, SHOWN_BECAUSE } from '../../ui/format.js';
import type { TranscriptLine } from '../../events/schema.js';
import { gateItemLines } from '../../ui/gate-items.js';
import { exactLine } from '../../ui/visible-text.js';
import { exactItems, exactSettings, exactTarget, exactValue } from '../../ui/gate-exact.js';
import { plural } from '../../common/plural.js';
import { countsText } from '../../engine/step-counts.js';
import { withheldLine } from '../../secrets/step-taint.js';
import { whoDrove } from '../who-drove.js';

const OUT_PREFIX = { stdout: '│ ', stderr: '! ' } as const;
const pad = ' '.repeat(10);

/** `storeRole`: who started the run as the team store knows them (follow): the header names them first.
 *  `width`: the terminal's columns, when it is one: each row is cut there by this, never by the terminal. */
export function renderLine(line: TranscriptLine, opts: { storeRole?: string; width?: number } = {}): string[] {
  const text = line.type === 'header' ? [headerText(line, opts.storeRole)] : describe(line);
  if (!text.length) return [];
  // One row per element, whatever a field holds: a line break inside a question, an affects, a message or a note
  // printed rows that looked like the engine's own (a probe of stop 71: a forged gate above `runbook approve`'s
  // y/N, a "run finished: RESOLVED" under a run that ended escalate). A break is drawn ⏎, as --plain does.
  const rows = text.map((t, i) => `${i === 0 ? `${clock(line.ts)}  ` : pad}${terminalText(t.replace(/\r?\n/g, ' ⏎ '))}`);
  return opts.width === undefined ? rows : rows.flatMap((r) => fitRow(r, opts.width!, pad.length));
}

function headerText(l: Extract<TranscriptLine, { type: 'header' }>, storeRole?: string): string {
  const who = `${whoDrove({ operator: l.operator, storeRole: storeRole ?? l.storeRole })} on ${l.host}`;
  return `${l.runbook.title} (${l.runbook.name}) — ${who}${l.target ? `, target ${l.target}` : ''}`;
}

function describe(l: TranscriptLine): string[] {
  switch (l.type) {
    case 'header': return [headerText(l)];
    case 'resumed': return [`▶ resumed by ${whoDrove(l)} at ${l.stepId}${l.phase === 'route' ? ' (finished; taking its branch)' : ''}${l.forced ? ' — forced: the runbook had changed' : ''}`];
    case 'run-started': return [`▶ run started${l.resumedFrom ? ` (resumed at ${l.resumedFrom})` : ''}${l.dryRun ? ' — DRY RUN' : ''}${inputs(l.inputs)}`];
    case 'step-started': return [`● ${l.stepId} ${l.title !== l.stepId ? `“${l.title}” ` : ''}[${l.kind}]${l.attempt > 1 ? ` attempt ${l.attempt}` : ''}${l.destructive ? ' ⚠' : ''}${l.dryRun === 'sandboxed' ? ' (dry run: sandboxed)' : l.dryRun === 'sandboxed-offline' ? ' (dry run: sandboxed, offline)' : ''}${l.where ? ` on ${l.where}` : ''}`,
      ...(l.command ? commandLines(l.command) : [])];
    case 'step-output': return l.chunk.replace(/\n$/, '').split('\n').map((c) => `${OUT_PREFIX[l.stream]}${c}`);
    case 'output-dropped': return [`… ${bytes(l.droppedBytes)} more output of ${l.stepId} was not recorded`];
    case 'step-finished': {
      const s = summary(l.result);
      // What a step given a secret printed was never recorded: say so, as the live screen did.
      const withheld = l.result.withheld ? [`  withheld: ${withheldLine(l.result.withheld)}`] : [];
      return [`${l.result.status === 'ok' ? '✓' : '✗'} ${l.stepId} ${l.result.status}${s ? ` (${s})` : ''} ${duration(l.result.durationMs)}${l.willRetry ? ' — will retry' : ''}`, ...withheld];
    }
    case 'already-ran': return [`✓ ${l.stepId}: already ran (${l.status}), not run again`];
    case 'step-skipped': return [`⤼ ${l.stepId} skipped (${l.reason}${l.because && l.because !== 'destructive' ? `: ${SHOWN_BECAUSE[l.because]}` : ''})${l.detail ? `: ${l.reason === 'dry-run' ? commandLine(l.detail) : l.detail}` : ''}`];
    case 'branch': return [`↳ ${l.from} → ${l.to}${l.expression !== undefined ? `  [${l.via === 'on' ? 'on ' : ''}${l.expression} = ${JSON.stringify(l.value)}]` : l.via === 'failure' ? '  [failure]' : ''}`];
    case 'confirmation-requested': return [`? confirm ${l.stepId}${l.risk === 'high' ? ' (HIGH RISK)' : ''}${l.resumed || l.ranBefore ? ' (again, after the resume)' : ''}: ${l.question}`,
      ...commandLines(l.command), ...(l.target ? [`on ${exactTarget(l)}`] : []),
      ...exactSettings(l).map((s) => `${s.label || 'env'}: ${s.value}`), ...(l.blastRadius ? [`blast radius: ${l.blastRadius}`] : []),
      ...(l.items ? gateItemLines(exactItems(l.items), l.itemsDone) : []), ...(l.approval ? ['four eyes: a teammate must approve (runbook approve)'] : [])];
    case 'wait-polled': return [`… ${l.stepId} poll ${l.poll}: not yet (${l.last}); next in ${duration(l.nextInMs)}, gives up at ${clock(l.deadlineAt)}`];
    case 'loop-started': return [`⟳ ${l.stepId}: for each of ${plural(l.items.length, 'item')}`];
    case 'item-finished': {
      const s = summary(l.result);
      return [`  ${l.result.status === 'ok' ? '✓' : '✗'} item ${l.index + 1} ${exactLine(l.label)}: ${l.result.status}${s ? ` (${s})` : ''}`];
    }
    case 'confirmation-answered': return [l.approver
      ? `→ ${l.answer === 'yes' ? 'approved' : 'denied'} by ${l.approver}${l.decidedAt ? ` at ${clock(l.decidedAt)}` : ''} (four eyes; driver ${l.by})${l.reason ? `: ${l.reason}` : ''} after ${duration(l.waitedMs)}`
      : `→ ${l.answer} — by ${l.by} (${l.how})${l.reason ? `: ${l.reason}` : ''} after ${duration(l.waitedMs)}`];
    case 'question-asked': {
      const a = l.question.action;
      return [`? ${l.question.stepId}: ${a.kind === 'manual' ? a.instructions : a.message}`];
    }
    case 'question-answered': return [`→ answered: ${l.answer}`];
    case 'note': return [`✎ ${l.by}${l.stepId ? ` at ${l.stepId}` : ''}: ${l.text}`];
    case 'application-check': return [`… checking the application's connection: a login every ${duration(l.everyMs)} for ${duration(l.holdMs)}`];
    case 'run-finished': return [`■ run finished: ${l.outcome.toUpperCase()} — ${l.message.trim()} (${duration(l.durationMs)}; ${countsText(l.steps)})`];
    default: return [];
  }
}

/** Drawn exactly, as the gate draws it (visible-text.ts): `runbook approve` shows these lines before its y/N, and a
 *  command whose SGR sequence or joiner the terminal drew as nothing read as a comment (a probe of stop 70). */
const commandLines = (command: string) => command.replace(/\n+$/, '').split('\n').map((c, i) => `${i === 0 ? '$ ' : '  '}${exactLine(c)}`);

function inputs(values: Record<string, unknown>): string {
  const parts = Object.entries(values).map(([k, v]) => `${k}=${exactValue(v)}`);
  return parts.length ? ` — ${parts.join(' ')}` : '';
}
