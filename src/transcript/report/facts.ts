// The report's first pass: everything but its long lists (the timeline, the outputs and the path's every
// step), gathered one line at a time. What it holds grows with the runbook and with what people did (steps,
// resumes, gates, notes), never with how long the run looped: a transcript of any size reads through it.
import { whoDrove } from '../who-drove.js';
import { loadRecordedRunbookAt } from '../recorded-runbook.js';
import { StepCounter } from '../../engine/step-counts.js';
import { renderTemplate } from '../../engine/render.js';
import type { RunbookDoc } from '../../language/schema.js';
import type { HeaderLine, TranscriptLine } from '../../events/schema.js';
import type { TranscriptEnd } from '../reader.js';
import { msBetween } from './format.js';
import { InteractionsFold } from './interactions.js';
import type { ReportModel, ResumeRow } from './model.js';
import { PathFold, pathMermaid } from './path.js';
import { TimelineFold } from './timeline.js';

type RunStarted = Extract<TranscriptLine, { type: 'run-started' }>;
type RunFinished = Extract<TranscriptLine, { type: 'run-finished' }>;

/** The report without its long lists, and what a writer needs to produce those lists in further passes. */
export interface ReportHead {
  model: Omit<ReportModel, 'timeline' | 'outputs' | 'path'>;
  /** Each step's title as the run last rendered it (else its written title, rendered with the inputs). */
  titles: ReadonlyMap<string, string>;
  /** The step a start entered first: the runbook's first, or the first the transcript names. */
  firstStep: string | undefined;
  pathEndedAt: string | undefined;
  /** The timeline's last row is the run's finish line (not a step cut off after it). */
  endRecorded: boolean;
}

export class FactsFold {
  private lines = 0;
  private started: RunStarted | undefined;
  /** The last resume or finish: the run ended only if it is a finish. */
  private lastMark: TranscriptLine | undefined;
  private lastTs: string | undefined;
  private sha256: string | undefined;
  private readonly resumes: ResumeRow[] = [];
  private readonly counter = new StepCounter();
  private readonly lineTitles = new Map<string, string>();
  private firstNamed: string | undefined;
  private readonly interactions = new InteractionsFold();
  private readonly path = new PathFold();
  /** The timeline's rows, made and let go (no output kept): whether its last row is the run's finish. */
  private readonly rows = new TimelineFold(new Map(), false);
  private lastRowIsEnd = false;

  take(line: TranscriptLine): void {
    this.lines++;
    this.lastTs = line.ts;
    this.counter.add(line);
    this.interactions.take(line);
    this.path.take(line);
    this.rows.take(line);
    this.drainRows();
    if (line.type === 'run-started') this.started ??= line;
    if (line.type === 'run-finished') this.lastMark = line;
    if (line.type === 'resumed') {
      this.lastMark = line;
      this.sha256 = line.sha256 ?? this.sha256;
      this.resumes.push({ ts: line.ts, stepId: line.stepId, phase: line.phase, operator: whoDrove(line), forced: line.forced !== undefined });
    }
    if (line.type === 'step-started' || line.type === 'confirmation-requested') this.lineTitles.set(line.stepId, line.title);
    if (this.firstNamed === undefined) {
      if (line.type === 'branch') this.firstNamed = line.from;
      else if (line.type === 'step-started' || line.type === 'step-skipped' || line.type === 'confirmation-requested') this.firstNamed = line.stepId;
    }
  }

  private drainRows(): void {
    for (const { row } of this.rows.drain()) this.lastRowIsEnd = row.what === 'run finished';
  }

  /** The head of the report of the transcript at `path`, once every line was taken. */
  head(path: string, header: HeaderLine, end: TranscriptEnd): ReportHead {
    this.rows.end();
    this.drainRows();
    const recorded = loadRecordedRunbookAt(header.runbook.file, this.sha256 ?? header.runbook.sha256);
    const doc: RunbookDoc | undefined = recorded.status === 'same' ? recorded.runbook.doc : undefined;
    const titles = this.titles(doc);
    const firstStep = doc?.steps[0]?.id ?? this.firstNamed;
    const finished = this.lastMark?.type === 'run-finished' ? (this.lastMark as RunFinished) : undefined;
    const endedAt = finished?.ts ?? this.lastTs ?? header.ts;
    const startedAt = this.started?.ts ?? header.ts;
    const shape = this.path.shape(firstStep);
    const model: ReportHead['model'] = {
      transcript: { path, format: header.format, lines: this.lines + 1, tornLines: end.torn.length, problems: end.problems },
      runbook: { ...header.runbook, now: recorded.status },
      ...(header.target ? { target: header.target } : {}),
      operator: whoDrove(header),
      resumedBy: [...new Set(this.resumes.map((r) => r.operator))],
      host: header.host, engineVersion: header.engineVersion, inputs: header.inputs,
      dryRun: this.started?.dryRun ?? false,
      startedAt, endedAt, durationMs: Math.max(0, msBetween(startedAt, endedAt)),
      outcome: finished?.outcome ?? 'interrupted',
      message: finished?.message ?? 'The transcript ends before the run finished (the process was killed or the machine went down). `runbook resume` can continue it.',
      // Every resume's steps (a run-finished line counts its segment), counted as the run counts them.
      steps: this.counter.counts,
      resumes: this.resumes, ...this.interactions.result(),
      mermaid: pathMermaid(shape, doc, titles),
    };
    return { model, titles, firstStep, pathEndedAt: shape.endedAt, endRecorded: this.lastRowIsEnd };
  }

  /** A step that never started (skipped by its condition, not reached) has no rendered title in the record: its
   *  template is rendered with the run's inputs (as recorded, masked), or, when it reads more than the inputs,
   *  the step's id stands in. A raw `${{ … }}` is never shown. */
  private titles(doc: RunbookDoc | undefined): Map<string, string> {
    const titles = new Map<string, string>();
    const inputs = this.started?.inputs ?? {};
    for (const s of doc?.steps ?? []) if (s.title) titles.set(s.id, templateTitle(s.title, s.id, inputs));
    for (const [id, title] of this.lineTitles) titles.set(id, title);
    return titles;
  }
}

function templateTitle(title: string, id: string, inputs: Record<string, unknown>): string {
  if (!title.includes('${{')) return title;
  try { return renderTemplate(title, { inputs, steps: {} }).replace(/\s*\n\s*/g, ' '); } catch { return id; }
}
