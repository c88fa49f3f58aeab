// The targets a run reached, as its transcript recorded them at first contact: the latest fingerprint per
// connection key (a --retarget resume records the new one, which later resumes compare with).
import type { TargetFingerprint } from '../executors/fingerprint.js';
import { recordedKey } from '../engine/target-guard.js';
import type { Transcript } from './reader.js';

export function recordedTargets(t: Transcript): Map<string, TargetFingerprint> {
  const out = new Map<string, TargetFingerprint>();
  for (const line of t.lines) {
    if (line.type === 'target-identified') out.set(recordedKey(line.stepId, line.connection), line.target);
  }
  return out;
}
