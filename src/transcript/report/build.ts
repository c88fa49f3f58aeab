// Transcript → postmortem model. Reads only what the transcript recorded (already masked); the runbook,
// when still the same text, only adds the full graph to draw the path on. The model in memory, for a
// transcript already read; `runbook report` writes the same report from the file in passes (stream.ts).
import type { Transcript } from '../reader.js';
import { FactsFold, type ReportHead } from './facts.js';
import type { OutputBlock, ReportModel, TimelineRow } from './model.js';
import { pathBranches, pathSteps } from './path.js';
import { timelineEntries } from './timeline.js';

export function buildReport(t: Transcript): ReportModel {
  const head = reportHead(t);
  const timeline: TimelineRow[] = [];
  const outputs: OutputBlock[] = [];
  for (const e of timelineEntries(t.lines, head.titles, true)) { timeline.push(e.row); if (e.output) outputs.push(e.output); }
  return reportModel(head, timeline, outputs, { steps: [...pathSteps(t.lines, head.firstStep)], branches: [...pathBranches(t.lines)], ...(head.pathEndedAt ? { endedAt: head.pathEndedAt } : {}) });
}

/** The first pass over a transcript read whole. */
function reportHead(t: Transcript): ReportHead {
  const facts = new FactsFold();
  for (const line of t.lines) facts.take(line);
  return facts.head(t.path, t.header, t);
}

/** The model in its keys' order (the JSON report's), the long lists as given: arrays, or what stream.ts writes
 *  as it reads them. */
export function reportModel<T, O, P>(head: ReportHead, timeline: T, outputs: O, path: P) {
  const { resumes, confirmations, questions, notes, mermaid, ...top } = head.model;
  return { ...top, resumes, timeline, outputs, confirmations, questions, notes, path, mermaid };
}
