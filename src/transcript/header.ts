// The first line of a transcript, and the marker a resume writes: who ran what, where, with which inputs.
// Everything that could hold a secret passes through the run's redactor first.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Runbook } from '../language/runbook.js';
import type { Redactor } from '../secrets/redactor.js';
import { VERSION } from '../common/version.js';
import { FORMAT_VERSION, type HeaderLine, type ResumedLine } from './schema.js';

type Fields<L> = Omit<L, 'seq' | 'ts'>;

export interface Who { operator: string; argv: string[]; redactor?: Redactor }

const masked = <T>(redactor: Redactor | undefined, value: T): T => (redactor ? redactor.maskDeep(value) : value);

export function headerLine(runbook: Runbook, who: Who, inputs: Record<string, unknown>, target?: string): Fields<HeaderLine> {
  const { doc } = runbook;
  return {
    type: 'header', format: FORMAT_VERSION,
    runbook: { name: doc.name, title: masked(who.redactor, doc.title), file: resolve(runbook.file), sha256: runbook.sha256 },
    engineVersion: VERSION, operator: who.operator, host: hostname(), pid: process.pid,
    inputs: masked(who.redactor, inputs),
    ...(target ? { target: masked(who.redactor, target) } : {}),
    argv: masked(who.redactor, who.argv),
  };
}

/** What the resume command decided; the writer adds who, where and how. */
export interface ResumeMarker { stepId: string; phase: 'enter' | 'route'; forced?: { recordedSha256: string; currentSha256: string } }

export function resumedLine(runbook: Runbook, who: Who, marker: ResumeMarker, tornLines: number): Fields<ResumedLine> {
  return {
    type: 'resumed', stepId: marker.stepId, phase: marker.phase,
    operator: who.operator, host: hostname(), pid: process.pid, engineVersion: VERSION,
    argv: masked(who.redactor, who.argv), sha256: runbook.sha256,
    ...(marker.forced ? { forced: marker.forced } : {}),
    ...(tornLines > 0 ? { tornLines } : {}),
  };
}
