// Never on another target: every first contact with a target (a database connection, the host of shell steps)
// is compared with what the run recorded for it before (its fingerprint at first contact, and the address its
// URL named as the run started), and with what this process saw first. A different target stops the run before
// anything is sent to it, unless the operator passed --retarget. And never twice: on a resume, the server
// sessions the interrupted run left running a destructive statement are looked for at first contact.
//
// Keys are scoped like step ids: a called runbook's connection `db`, called from step `call`, is `call/db`.
import { describeAddress, describeTarget, HOST_TARGET, sameAddress, restartedText, sameLifetime, sameTarget, type TargetAddress, type TargetFingerprint } from '../executors/fingerprint.js';
import { describeLive, type LiveSession, type ServerSessionId } from '../db/server-session.js';

export class TargetChanged extends Error {
  override name = 'TargetChanged';
}

/** What a resume knows from the transcript. */
export interface RecordedTargets {
  fingerprints?: ReadonlyMap<string, TargetFingerprint>;   // first contact, per key
  addresses?: ReadonlyMap<string, TargetAddress>;          // as the run started, per key
  sessions?: ReadonlyMap<string, ServerSessionId[]>;        // left running a destructive statement, per key
}

interface Shared {
  recorded: Required<RecordedTargets>;
  seen: Map<string, TargetFingerprint>;                // first contact in this process
  sessionsChecked: Set<string>;
  retarget: boolean;
  waitForSessions: boolean;
  stop?: (reason: string) => void;                    // ends the whole run (set by the outermost run)
}

export class TargetGuard {
  private constructor(private readonly shared: Shared, private readonly scope: string) {}

  static create(recorded: RecordedTargets = {}, opts: { retarget?: boolean; waitForSessions?: boolean } = {}): TargetGuard {
    return new TargetGuard({
      recorded: { fingerprints: recorded.fingerprints ?? new Map(), addresses: recorded.addresses ?? new Map(), sessions: recorded.sessions ?? new Map() },
      seen: new Map(), sessionsChecked: new Set(), retarget: opts.retarget ?? false, waitForSessions: opts.waitForSessions ?? false,
    }, '');
  }

  /** The guard of a runbook called from `stepId`. */
  child(stepId: string): TargetGuard { return new TargetGuard(this.shared, `${this.scope}${stepId}/`); }

  get retarget(): boolean { return this.shared.retarget; }

  /** The outermost run: what stops it when any run inside it meets another target. */
  onChange(stop: (reason: string) => void): void { if (this.scope === '') this.shared.stop = stop; }

  /** Stops the outermost run (a called runbook's own abort would only fail the calling step). */
  stopRun(reason: string): void { this.shared.stop?.(reason); }
  /** Runs a check of this guard; a refusal stops the whole run (interrupted: resumable), then is thrown on to
   *  the executor, which sends nothing. */
  guarded<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof TargetChanged || e instanceof SessionsStillRunning) queueMicrotask(() => this.stopRun(e.message));
      throw e;
    }
  }

  /** Throws TargetChanged for another target; true when this is the first contact (to be recorded). */
  check(connection: string, target: TargetFingerprint): boolean {
    const key = targetKey(this.scope, connection);
    const seen = this.shared.seen.get(key);
    if (seen) {
      if (!sameTarget(seen, target)) throw changed(this.named(connection), `this run first reached ${describeTarget(seen)}`, target, false);
      if (sameLifetime(seen, target, true)) return false;
      // The run saw the server restart (it may have restarted it): recorded again, what a resume compares with.
      this.shared.seen.set(key, target);
      return true;
    }
    if (!this.shared.retarget) {
      const recorded = this.shared.recorded.fingerprints.get(key);
      if (recorded && !sameTarget(recorded, target)) throw changed(this.named(connection), `the run was started on ${describeTarget(recorded)}`, target, true);
      if (recorded && !sameLifetime(recorded, target)) throw restarted(this.named(connection), recorded, target);
      const address = this.shared.recorded.addresses.get(key);
      if (!recorded && address && !sameAddress(address, target)) throw changed(this.named(connection), `the run was started with it naming ${describeAddress(address)}`, target, true);
    }
    this.shared.seen.set(key, target);
    return true;
  }

  /** How the operator knows the connection: its name, and the calling step when it is a called runbook's. */
  private named(connection: string): string {
    const what = connection === HOST_TARGET ? 'this host'
      : connection.startsWith('target:') ? `target '${connection.slice('target:'.length)}'` : `connection '${connection}'`;
    return this.scope && connection !== HOST_TARGET ? `${what} of the runbook called by step '${this.scope.slice(0, -1)}'` : what;
  }

  /** The interrupted run's sessions on this connection, to be looked for once, at first contact. */
  sessionsToCheck(connection: string): ServerSessionId[] {
    const key = targetKey(this.scope, connection);
    if (this.shared.sessionsChecked.has(key)) return [];
    this.shared.sessionsChecked.add(key);
    return this.shared.recorded.sessions.get(key) ?? [];
  }

  /** Some still run: true to wait for them (--wait-for-orphans), else throws SessionsStillRunning. */
  liveSessions(connection: string, stepId: string, live: LiveSession[]): boolean {
    if (this.shared.waitForSessions) return true;
    throw new SessionsStillRunning(`the interrupted run's statement still runs on the server for ${this.named(connection)}: ${describeLive(live)}. ` +
      `Nothing was sent. Resume again when it has ended (or with --wait-for-orphans to wait for it), before step '${stepId}' runs again`);
  }
}

export class SessionsStillRunning extends Error {
  override name = 'SessionsStillRunning';
}

/** The key a target is recorded under: the connection name, scoped by the calling steps (the host is one). */
export function targetKey(scope: string, connection: string): string {
  return connection === HOST_TARGET ? HOST_TARGET : `${scope}${connection}`;
}

/** The key of a recorded line whose stepId is relabelled `call/inner`. */
export function recordedKey(stepId: string, connection: string): string {
  return targetKey(stepId.slice(0, stepId.lastIndexOf('/') + 1), connection);
}

function restarted(what: string, before: TargetFingerprint, now: TargetFingerprint): TargetChanged {
  return new TargetChanged(`another run of the server for ${what}: ${restartedText(before, now)}. Nothing was sent to it. `
    + 'Resume with --retarget to continue there (every destructive step asks again)');
}

function changed(what: string, before: string, now: TargetFingerprint, resumable: boolean): TargetChanged {
  return new TargetChanged(`another target for ${what}: ${before}; now ${describeTarget(now)}` +
    (resumable ? '. Nothing was sent to it. Resume with --retarget to continue there (every destructive step asks again)' : '. Nothing was sent to it'));
}
