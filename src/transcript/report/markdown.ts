// The postmortem as Markdown (GitHub-flavoured: tables, mermaid). Every value from the transcript goes
// through markdown-text.ts, so recorded output cannot break the document.
import { bytes, clock, dateTime, duration } from './format.js';
import { cell, clip, code, codeCell, fenced, inline } from './markdown-text.js';
import { gateItemLines } from '../../ui/gate-items.js';
import type { ConfirmationRow, OutputBlock, ReportModel, TimelineRow } from './model.js';
import type { ReportHead } from './facts.js';
import { plural } from '../../common/plural.js';
import { countsText } from '../../engine/step-counts.js';
import { exactValue } from '../../ui/gate-exact.js';
import { exactLine } from '../../ui/visible-text.js';

type Head = ReportHead['model'];

export function renderMarkdown(m: ReportModel): string {
  const endRecorded = m.timeline.at(-1)?.what === 'run finished';
  return [...markdownLines(m, endRecorded, m.timeline, m.outputs)].join('\n');
}

/** The report's lines, in order; the timeline and the outputs are read only as their sections are written, so a
 *  caller that reads them from the file as they are asked for (stream.ts) holds neither. */
export function* markdownLines(m: Head, endRecorded: boolean, rows: Iterable<TimelineRow>, blocks: Iterable<OutputBlock>): Generator<string> {
  yield* [`# Postmortem: ${inline(m.runbook.title)} (${code(m.runbook.name)})`, '', ...warnings(m, endRecorded), ...summary(m)];
  yield* timeline(rows);
  yield* [...confirmations(m.confirmations), ...questions(m), ...notes(m)];
  yield* outputs(blocks);
  yield* [...path(m), ...source(m)];
}

const table = (head: string[], rows: string[][]): string[] => [tableHead(head), ...rows.map(tableRow)];
const tableHead = (head: string[]): string => `| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`;
const tableRow = (r: string[]): string => `| ${r.join(' | ')} |`;

function warnings(m: Head, recordedEnd: boolean): string[] {
  const out: string[] = [];
  if (m.outcome === 'interrupted' && recordedEnd) out.push(`> **This run was interrupted** (${cell(m.message, 300)}); \`runbook resume\` can continue it.`, '');
  else if (m.outcome === 'interrupted') out.push('> **This run did not finish.** The transcript ends while it was running; the last step shown as interrupted has no recorded result.', '');
  if (m.dryRun) out.push('> This was a **dry run**: destructive steps were shown, not run.', '');
  return out;
}

function summary(m: Head): string[] {
  const runbookNow = m.runbook.now === 'same' ? '' : m.runbook.now === 'changed' ? ' (changed since)' : ' (no longer available)';
  const resumed = m.resumedBy.length ? `; resumed by ${m.resumedBy.map(inline).join(', ')}` : '';
  const inputs = Object.entries(m.inputs).map(([k, v]) => `${code(k)} = ${code(exactValue(v))}`).join(', ');
  const items: [string, string][] = [
    ['Runbook', `${inline(m.runbook.title)} (${code(m.runbook.name)}), ${code(m.runbook.file)}, sha256 ${code(m.runbook.sha256.slice(0, 12))}${runbookNow}`],
    ...(m.target ? [['Target', code(m.target)] as [string, string]] : []),
    ['Operator', `${inline(m.operator)} on ${inline(m.host)}${resumed}`],
    ['Started', dateTime(m.startedAt)],
    ['Duration', `${duration(m.durationMs)}${m.resumes.length ? ` (wall clock, including the interruption; resumed ${m.resumes.length}×)` : ''}`],
    ['Outcome', `**${m.outcome}**`],
    ['Message', cell(m.message, 1000)],
    ['Steps', countsText(m.steps)],
    ...(inputs ? [['Inputs', inputs] as [string, string]] : []),
    ['Engine', `runbook ${inline(m.engineVersion)}`],
  ];
  return ['## Summary', '', ...items.map(([k, v]) => `- **${k}:** ${v}`), ''];
}

function* timeline(rows: Iterable<TimelineRow>): Generator<string> {
  yield* ['## Timeline', '', tableHead(['Time (UTC)', 'Step', 'What ran', 'Result', 'Duration'])];
  let destructive = false;
  for (const r of rows) {
    destructive ||= r.destructive === true;
    yield tableRow([
      clock(r.ts),
      `${code(r.stepId || '—')}${r.title && r.title !== r.stepId ? ` ${cell(r.title, 60)}` : ''}${r.attempt && r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}${r.destructive ? ' ⚠' : ''}`,
      r.command !== undefined ? codeCell(r.command, 120) : cell(r.what, 120),
      `**${cell(r.status)}**${r.detail ? ` ${cell(r.detail, 200)}` : ''}`,
      duration(r.durationMs),
    ]);
  }
  yield '';
  if (destructive) yield* ['⚠ destructive step', ''];
}

function confirmations(list: ConfirmationRow[]): string[] {
  if (!list.length) return ['## Confirmations', '', 'No destructive step asked for confirmation.', ''];
  const rows = list.map((c) => [
    clock(c.ts), code(c.stepId), `${cell(c.question, 200)}${c.risk === 'high' ? ' (high risk)' : ''}${c.askedAgainAfterResume ? ' (asked again after the resume)' : ''}`,
    c.answer ? `**${c.answer}**` : '_no answer recorded_', cell(c.by), cell(c.how), duration(c.waitedMs),
  ]);
  const unique = [...new Map(list.map((c) => [`${c.stepId}\0${c.command}`, c])).values()];   // asked again after a resume
  const commands = unique.map((c) => `- ${code(c.stepId)} asked to run:\n\n${indent(fenced(clip(c.command, 20, 2000)))}${c.settings.length ? `\n\n${c.settings.map((s) => `  - ${cell(s, 400)}`).join('\n')}` : ''}${c.items ? `\n\n${indent(fenced(gateItemLines(c.items).join('\n'), 'text'))}` : ''}`);
  return ['## Confirmations', '', ...table(['Asked', 'Step', 'Question', 'Answer', 'By', 'How', 'Waited'], rows), '', ...commands, ''];
}

function questions(m: Head): string[] {
  if (!m.questions.length) return [];
  const rows = m.questions.map((q) => [clock(q.ts), code(q.stepId), cell(q.question, 200), q.answer === undefined ? '_no answer recorded_' : cell(q.answer)]);
  return ['## Questions answered', '', ...table(['Asked', 'Step', 'Question', 'Answer'], rows), ''];
}

function notes(m: Head): string[] {
  const items = m.notes.map((n) => `- ${clock(n.ts)} — ${inline(n.by)}${n.stepId ? ` (at ${code(n.stepId)})` : ''}: ${cell(n.text, 2000)}`);
  return ['## Operator notes', '', ...(items.length ? items : ['No notes were recorded.']), ''];
}

/** Written only when there is a first block. */
function* outputs(blocks: Iterable<OutputBlock>): Generator<string> {
  let first = true;
  for (const o of blocks) {
    if (first) yield* ['## Key outputs', ''];
    first = false;
    yield* outputBlock(o);
  }
}

function outputBlock(o: OutputBlock): string[] {
  const out = [`### ${code(o.stepId)}${o.title !== o.stepId ? ` — ${inline(o.title)}` : ''}${o.attempt > 1 ? ` (attempt ${o.attempt})` : ''}`, ''];
  if (o.withheld) out.push(`_Withheld: ${inline(o.withheld)}. Everything the step printed or returned is left out of the record (docs/secrets.md)._`, '');
  if (o.error) out.push(`Error: ${cell(o.error, 500)}`, '');
  if (o.stdout.trim()) out.push(fenced(clip(o.stdout), 'text'), '');
  if (o.stderr.trim()) out.push('stderr:', '', fenced(clip(o.stderr), 'text'), '');
  if (o.items?.length) {
    out.push(`${plural(o.items.length, 'item')}:`, '', ...table(['#', 'Item', 'Status', 'Result'], o.items.map((i) => [String(i.index + 1), cell(exactLine(i.label), 200), i.status, cell(i.summary, 300)])), '');
  }
  if (o.rows?.length) {
    const shown = o.rows.slice(0, 20).map((r) => JSON.stringify(r)).join('\n');
    out.push(`${plural(o.rowCount ?? o.rows.length, 'row')}${o.rows.length > 20 ? ' (first 20 shown)' : ''}:`, '', fenced(clip(shown), 'json'), '');
  }
  if (o.droppedBytes) out.push(`_${bytes(o.droppedBytes)} more output was not recorded (the transcript keeps ${bytes(o.limitBytes ?? 0)} per step)._`, '');
  return out;
}

function path(m: Head): string[] {
  const how = m.runbook.now === 'same' ? 'The runbook, with the path this run took highlighted.' : 'The path this run took (the runbook has changed or is gone, so only the path is drawn).';
  return ['## Path taken', '', how, '', fenced(m.mermaid, 'mermaid'), ''];
}

function source(m: Head): string[] {
  const t = m.transcript;
  const extra = [t.tornLines ? `${plural(t.tornLines, 'partly written line')} skipped` : '', ...t.problems.map((p) => `skipped ${p}`)].filter(Boolean);
  return ['---', '', `Transcript ${code(t.path)}: ${plural(t.lines, 'line')}, format ${t.format}${extra.length ? `; ${extra.map((e) => inline(e)).join('; ')}` : ''}.`, ''];
}

const indent = (text: string) => text.split('\n').map((l) => `  ${l}`).join('\n');
