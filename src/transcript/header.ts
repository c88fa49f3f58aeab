// The first line of a transcript, and the marker a resume writes: who ran what, where, with which inputs.
// Every data field passes through the run's redactor first (secrets/mask-event.ts says which are data).
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Runbook } from '../language/runbook.js';
import type { Redactor } from '../secrets/redactor.js';
import { VERSION } from '../common/version.js';
import { FORMAT_VERSION, type HeaderLine, type ResumedLine } from './schema.js';
import { maskLine } from '../secrets/mask-event.js';

type Fields<L> = Omit<L, 'seq' | 'ts'>;

export interface Who { operator: string; argv: string[]; redactor?: Redactor }

const masked = <T extends { type: string }>(redactor: Redactor | undefined, line: T): T => (redactor ? maskLine(redactor, line) : line);

export function headerLine(runbook: Runbook, who: Who, inputs: Record<string, unknown>, target?: string): Fields<HeaderLine> {
  const { doc } = runbook;
  return masked(who.redactor, {
    type: 'header', format: FORMAT_VERSION,
    runbook: { name: doc.name, title: doc.title, file: resolve(runbook.file), sha256: runbook.sha256 },
    engineVersion: VERSION, operator: who.operator, host: hostname(), pid: process.pid,
    inputs,
    ...(target ? { target } : {}),
    argv: who.argv,
  });
}

/** What the resume command decided; the writer adds who, where and how. */
export interface ResumeMarker { stepId: string; phase: 'enter' | 'route'; forced?: { recordedSha256: string; currentSha256: string }; retarget?: true }

export function resumedLine(runbook: Runbook, who: Who, marker: ResumeMarker, tornLines: number): Fields<ResumedLine> {
  return masked(who.redactor, {
    type: 'resumed', stepId: marker.stepId, phase: marker.phase,
    operator: who.operator, host: hostname(), pid: process.pid, engineVersion: VERSION,
    argv: who.argv, sha256: runbook.sha256,
    ...(marker.forced ? { forced: marker.forced } : {}),
    ...(marker.retarget ? { retarget: true as const } : {}),
    ...(tornLines > 0 ? { tornLines } : {}),
  });
}
