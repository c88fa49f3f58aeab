// The first line of a transcript, and the marker a resume writes: who ran what, where, with which inputs.
// Every data field passes through the run's redactor first (events/mask.ts says which are data).
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Runbook } from '../language/runbook.js';
import type { Redactor } from '../secrets/redactor.js';
import { VERSION } from '../common/version.js';
import { FORMAT_VERSION, type HeaderLine, type ResumedLine } from '../events/schema.js';
import { maskLine } from '../events/mask.js';
import type { RunPlace } from './run-place.js';
import type { CalledFile } from '../catalog/called-files.js';

type Fields<L> = Omit<L, 'seq' | 'ts'>;

/** operator: the OS user; storeRole: the team store role the run is driven as, when it has a store. */
export interface Who { operator: string; storeRole?: string; argv: string[]; redactor?: Redactor }

const masked = <T extends { type: string }>(redactor: Redactor | undefined, line: T): T => (redactor ? maskLine(redactor, line) : line);

/** calls: every runbook file the run may load below its own (called runbooks at every depth), as they are now.
 *  place: where it acts besides its connections (run-place.ts). */
export function headerLine(runbook: Runbook, who: Who, inputs: Record<string, unknown>, target: string | undefined, runId: string, calls: CalledFile[] = [], place?: RunPlace): Fields<HeaderLine> {
  const { doc } = runbook;
  return masked(who.redactor, {
    type: 'header', format: FORMAT_VERSION, runId,
    runbook: { name: doc.name, title: doc.title, file: resolve(runbook.file), sha256: runbook.sha256 },
    ...(calls.length ? { calls } : {}),
    engineVersion: VERSION, operator: who.operator, ...(who.storeRole ? { storeRole: who.storeRole } : {}), host: hostname(), pid: process.pid,
    inputs,
    ...(target ? { target } : {}),
    argv: who.argv,
    ...(place ? placeFields(place) : {}),
  });
}

const placeFields = (place: RunPlace) => ({
  cwd: place.cwd, serverEnv: place.serverEnv, ...(place.envDigest ? { envDigest: place.envDigest } : {}),
  ...(place.inputPrints ? { inputPrints: place.inputPrints } : {}), ...(place.clientFiles ? { clientFiles: place.clientFiles } : {}),
});

/** A changed runbook file the operator accepted with --accept-changed (or --force for the run's own). */
export interface AcceptedChange { file: string; recordedSha256: string; currentSha256: string }

/** What the resume command decided; the writer adds who, where and how. */
export interface ResumeMarker {
  stepId: string; phase: 'enter' | 'route'; forced?: { recordedSha256: string; currentSha256: string }; retarget?: true;
  accepted?: AcceptedChange[];
  /** With --retarget: the place the run continues in, which later resumes compare with. */
  place?: RunPlace;
}

export function resumedLine(runbook: Runbook, who: Who, marker: ResumeMarker, tornLines: number): Fields<ResumedLine> {
  return masked(who.redactor, {
    type: 'resumed', stepId: marker.stepId, phase: marker.phase,
    operator: who.operator, ...(who.storeRole ? { storeRole: who.storeRole } : {}), host: hostname(), pid: process.pid, engineVersion: VERSION,
    argv: who.argv, sha256: runbook.sha256,
    ...(marker.forced ? { forced: marker.forced } : {}),
    ...(marker.retarget ? { retarget: true as const } : {}),
    ...(marker.place ? placeFields(marker.place) : {}),
    ...(marker.accepted?.length ? { accepted: marker.accepted } : {}),
    ...(tornLines > 0 ? { tornLines } : {}),
  });
}
