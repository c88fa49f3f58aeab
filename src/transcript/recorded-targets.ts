// What a transcript recorded about the targets a run reached, for a resume to compare with what answers now:
// the latest fingerprint per connection key (a --retarget resume records the new one, which later resumes
// compare with), where each connection's URL led as the run (or its latest resume) started, and the server
// sessions left running a destructive statement when the transcript stops.
import type { TargetAddress, TargetFingerprint } from '../executors/fingerprint.js';
import type { ServerSessionId } from '../db/server-session.js';
import { recordedKey, type RecordedTargets } from '../engine/target-guard.js';
import type { Transcript } from './reader.js';

export function recordedTargets(t: Transcript): Required<RecordedTargets> {
  const fingerprints = new Map<string, TargetFingerprint>();
  const addresses = new Map<string, TargetAddress>();
  // A connection's first recorded address holds: a resume records the addresses again as it (or a runbook it
  // calls) starts, before any of them is compared at first contact, so a later line may name a target that
  // was then refused. Only a resume with --retarget replaces them.
  let retargeted = false;
  for (const line of t.lines) {
    if (line.type === 'resumed') retargeted = line.retarget === true;
    if (line.type === 'target-identified') fingerprints.set(recordedKey(line.stepId, line.connection), line.target);
    if (line.type === 'connection-addresses') {
      const scope = line.calledFrom ? `${line.calledFrom}/` : '';
      for (const [name, address] of Object.entries(line.connections)) {
        const key = `${scope}${name}`;
        if (retargeted || !addresses.has(key)) addresses.set(key, address);
      }
    }
  }
  return { fingerprints, addresses, sessions: sessionsInFlight(t) };
}

/** step-session lines of steps that had not finished (nor finished the item they were on) when the transcript
 *  stops, by connection key. */
export function sessionsInFlight(t: Transcript): Map<string, ServerSessionId[]> {
  const open = new Map<string, { key: string; id: ServerSessionId }[]>();
  for (const line of t.lines) {
    if (line.type === 'step-session') {
      open.set(line.stepId, [...(open.get(line.stepId) ?? []), { key: recordedKey(line.stepId, line.connection), id: line.session }]);
    } else if (line.type === 'step-finished' || line.type === 'item-finished') {
      open.delete(line.stepId);
    }
  }
  const out = new Map<string, ServerSessionId[]>();
  for (const { key, id } of [...open.values()].flat()) out.set(key, [...(out.get(key) ?? []), id]);
  return out;
}
