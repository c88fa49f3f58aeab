// What a postmortem says, as data: `report --format json` prints it, the Markdown renderer draws it.
import type { GateItem } from '../../engine/events.js';
import type { RunOutcome } from '../../engine/events.js';

export interface TimelineRow {
  ts: string;
  stepId: string;
  title: string;
  what: string;            // the step kind, or what happened instead of a step
  command?: string;        // what ran, values filled in (masked)
  status: string;          // ok | failed | timeout | aborted | skipped | interrupted | resumed | the outcome
  detail?: string;         // exit code, rows, classification, error
  durationMs?: number;
  attempt?: number;
  destructive?: boolean;
}

export interface ConfirmationRow {
  ts: string; stepId: string; title: string; question: string; command: string; risk: 'normal' | 'high';
  askedAgainAfterResume: boolean;
  settings: string[];          // where, env values, directory, time limit, what the approval covers
  items?: GateItem[];          // a for_each: every item the approval covered
  answer?: string; by?: string; how?: string; waitedMs?: number;
}

export interface QuestionRow { ts: string; stepId: string; question: string; answer?: string }
export interface NoteRow { ts: string; by: string; stepId?: string; text: string }

export interface OutputBlock {
  stepId: string; title: string; attempt: number;
  stdout: string; stderr: string;
  droppedBytes?: number; limitBytes?: number;
  rows?: Record<string, unknown>[]; rowCount?: number;
  items?: { index: number; label: string; status: string; summary: string }[];   // a for_each: every item's result
  error?: string;
  withheld?: string;   // the step was given a secret: what of its output the transcript withholds, and why
}

export interface ResumeRow { ts: string; stepId: string; phase: 'enter' | 'route'; operator: string; forced: boolean }

export interface PathTaken {
  steps: string[];                                    // entered, in order (repeats for loops)
  branches: { from: string; to: string; via: string; expression?: string; value?: unknown }[];
  endedAt?: string;                                   // end step or special state
}

export interface ReportModel {
  transcript: { path: string; format: number; lines: number; tornLines: number; problems: string[] };
  runbook: { name: string; title: string; file: string; sha256: string; now: 'same' | 'changed' | 'unavailable' };
  target?: string;
  operator: string;
  resumedBy: string[];
  host: string;
  engineVersion: string;
  inputs: Record<string, unknown>;
  dryRun: boolean;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  outcome: RunOutcome | 'interrupted';
  message: string;
  steps: { ok: number; failed: number; skipped: number };
  resumes: ResumeRow[];
  timeline: TimelineRow[];
  confirmations: ConfirmationRow[];
  questions: QuestionRow[];
  notes: NoteRow[];
  outputs: OutputBlock[];
  path: PathTaken;
  mermaid: string;
}
