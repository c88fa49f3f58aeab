// Never on another target: every first contact with a target (a database connection, the host of shell steps)
// is compared with what the run recorded for it before, and with what this process saw first. A different
// target stops the step before anything is sent to it, unless the operator passed --retarget.
//
// Keys are scoped like step ids: a called runbook's connection `db`, called from step `call`, is `call/db`.
import { describeTarget, HOST_TARGET, sameTarget, type TargetFingerprint } from '../executors/fingerprint.js';

export class TargetChanged extends Error {
  override name = 'TargetChanged';
}

interface Shared {
  recorded: ReadonlyMap<string, TargetFingerprint>;   // from the transcript being resumed
  seen: Map<string, TargetFingerprint>;                // first contact in this process
  retarget: boolean;
  stop?: (reason: string) => void;                    // ends the whole run (set by the outermost run)
}

export class TargetGuard {
  private constructor(private readonly shared: Shared, private readonly scope: string) {}

  static create(recorded: ReadonlyMap<string, TargetFingerprint> = new Map(), retarget = false): TargetGuard {
    return new TargetGuard({ recorded, seen: new Map(), retarget }, '');
  }

  /** The guard of a runbook called from `stepId`. */
  child(stepId: string): TargetGuard { return new TargetGuard(this.shared, `${this.scope}${stepId}/`); }

  get retarget(): boolean { return this.shared.retarget; }

  /** The outermost run: what stops it when any run inside it meets another target. */
  onChange(stop: (reason: string) => void): void { if (this.scope === '') this.shared.stop = stop; }

  /** Stops the outermost run (a called runbook's own abort would only fail the calling step). */
  stopRun(reason: string): void { this.shared.stop?.(reason); }

  /** Throws TargetChanged for another target; true when this is the first contact (to be recorded). */
  check(connection: string, target: TargetFingerprint): boolean {
    const key = targetKey(this.scope, connection);
    const seen = this.shared.seen.get(key);
    if (seen) {
      if (!sameTarget(seen, target)) throw changed(connection, 'this run first reached', seen, target, false);
      return false;
    }
    const recorded = this.shared.recorded.get(key);
    if (recorded && !sameTarget(recorded, target) && !this.shared.retarget) throw changed(connection, 'the run was started on', recorded, target, true);
    this.shared.seen.set(key, target);
    return true;
  }
}

/** The key a target is recorded under: the connection name, scoped by the calling steps (the host is one). */
export function targetKey(scope: string, connection: string): string {
  return connection === HOST_TARGET ? HOST_TARGET : `${scope}${connection}`;
}

/** The key of a recorded `target-identified` line whose stepId is relabelled `call/inner`. */
export function recordedKey(stepId: string, connection: string): string {
  return targetKey(stepId.slice(0, stepId.lastIndexOf('/') + 1), connection);
}

function changed(connection: string, when: string, before: TargetFingerprint, now: TargetFingerprint, resumable: boolean): TargetChanged {
  const what = connection === HOST_TARGET ? 'this host'
    : connection.startsWith('target:') ? `target '${connection.slice('target:'.length)}'` : `connection '${connection}'`;
  return new TargetChanged(`another target for ${what}: ${when} ${describeTarget(before)}; now ${describeTarget(now)}` +
    (resumable ? '. Nothing was sent to it. Resume with --retarget to continue there (every destructive step asks again)' : '. Nothing was sent to it'));
}
