// Transcript → postmortem model. Reads only what the transcript recorded (already masked); the runbook,
// when still the same text, only adds the full graph to draw the path on.
import { whoDrove } from '../who-drove.js';
import type { RunbookDoc } from '../../language/schema.js';
import { loadRecordedRunbook } from '../recorded-runbook.js';
import type { Transcript } from '../reader.js';
import type { TranscriptLine } from '../../events/schema.js';
import { msBetween } from './format.js';
import { interactionsOf } from './interactions.js';
import type { ReportModel } from './model.js';
import { pathMermaid, pathOf } from './path.js';
import { timelineOf } from './timeline.js';
import { countSteps } from '../../engine/step-counts.js';
import { renderTemplate } from '../../engine/render.js';

export function buildReport(t: Transcript): ReportModel {
  const { header, lines } = t;
  const recorded = loadRecordedRunbook(t);
  const doc: RunbookDoc | undefined = recorded.status === 'same' ? recorded.runbook.doc : undefined;
  const titles = titlesOf(lines, doc);
  const { timeline, outputs } = timelineOf(lines);
  for (const row of timeline) row.title = titles.get(row.stepId) ?? row.title;
  const path = pathOf(lines, doc?.steps[0]?.id ?? firstStepOf(lines));
  const finished = lastSegmentFinish(lines);
  const resumes = lines.filter((l) => l.type === 'resumed').map((l) => ({ ts: l.ts, stepId: l.stepId, phase: l.phase, operator: whoDrove(l), forced: l.forced !== undefined }));
  const started = lines.find((l) => l.type === 'run-started');
  const endedAt = finished?.ts ?? lines[lines.length - 1]?.ts ?? header.ts;
  const startedAt = started?.ts ?? header.ts;
  return {
    transcript: { path: t.path, format: header.format, lines: lines.length + 1, tornLines: t.torn.length, problems: t.problems },
    runbook: { ...header.runbook, now: recorded.status },
    ...(header.target ? { target: header.target } : {}),
    operator: whoDrove(header),
    resumedBy: [...new Set(resumes.map((r) => r.operator))],
    host: header.host, engineVersion: header.engineVersion, inputs: header.inputs,
    dryRun: started?.dryRun ?? false,
    startedAt, endedAt, durationMs: Math.max(0, msBetween(startedAt, endedAt)),
    outcome: finished?.outcome ?? 'interrupted',
    message: finished?.message ?? 'The transcript ends before the run finished (the process was killed or the machine went down). `runbook resume` can continue it.',
    // Every resume's steps (a run-finished line counts its segment), counted as the run counts them.
    steps: countSteps(lines),
    resumes, timeline, outputs, ...interactionsOf(lines), path,
    mermaid: pathMermaid(path, doc, titles),
  };
}

/** The run-finished line, if the last run (after the last resume) has one. */
function lastSegmentFinish(lines: TranscriptLine[]) {
  const last = lines[lines.length - 1 - [...lines].reverse().findIndex((l) => l.type === 'resumed' || l.type === 'run-finished')];
  return last?.type === 'run-finished' ? last : undefined;
}

function titlesOf(lines: TranscriptLine[], doc: RunbookDoc | undefined): Map<string, string> {
  const titles = new Map<string, string>();
  // A step that never started (skipped by its condition, not reached) has no rendered title in the record: its
  // template is rendered with the run's inputs (as recorded, masked), or, when it reads more than the inputs, the
  // step's id stands in. A raw `${{ … }}` is never shown.
  const started = lines.find((l) => l.type === 'run-started');
  const inputs = started?.type === 'run-started' ? started.inputs : {};
  for (const s of doc?.steps ?? []) if (s.title) titles.set(s.id, templateTitle(s.title, s.id, inputs));
  for (const l of lines) if (l.type === 'step-started' || l.type === 'confirmation-requested') titles.set(l.stepId, l.title);
  return titles;
}

function templateTitle(title: string, id: string, inputs: Record<string, unknown>): string {
  if (!title.includes('${{')) return title;
  try { return renderTemplate(title, { inputs, steps: {} }).replace(/\s*\n\s*/g, ' '); } catch { return id; }
}

function firstStepOf(lines: TranscriptLine[]): string | undefined {
  for (const l of lines) {
    if (l.type === 'branch') return l.from;
    if (l.type === 'step-started' || l.type === 'step-skipped' || l.type === 'confirmation-requested') return l.stepId;
  }
  return undefined;
}
