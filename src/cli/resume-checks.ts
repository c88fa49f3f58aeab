// What `resume` makes sure of before its first step: nothing of the interrupted run still runs, and every target
// the run reached is the one answering now. Each refusal is one line and leaves the transcript untouched.
import { UserError } from '../common/errors.js';
import { openSession } from '../db/open.js';
import { parseUrl } from '../db/url.js';
import { connectionUrl } from '../engine/prepare.js';
import { scopeOf } from '../engine/scope.js';
import type { MachineContext } from '../engine/machine-types.js';
import { describeTarget, fingerprintSession, HOST_TARGET, hostFingerprint, sameTarget, type TargetFingerprint } from '../executors/fingerprint.js';
import type { RunbookDoc } from '../language/schema.js';
import { describeOrphans, liveOrphans } from '../transcript/orphans.js';
import type { Transcript } from '../transcript/reader.js';

/** How long the engine's own dying takes to reach its step's group (the supervisor's watcher kills it at
 *  once); a group alive after this is really still running. Waiting longer needs --wait-for-orphans. */
const SETTLE_MS = 3000;
const POLL_MS = 100;
const CONNECT_MS = 15_000;

/** Refuses while a process group of the interrupted run is alive, or waits for it when the operator said so. */
export async function noOrphans(t: Transcript, waitForever: boolean, say: (line: string) => void): Promise<void> {
  const settleUntil = Date.now() + SETTLE_MS;
  let told = false;
  for (;;) {
    const orphans = liveOrphans(t);
    if (!orphans.length) return;
    if (Date.now() >= settleUntil) {
      if (!waitForever) {
        throw new UserError(`refusing to resume: the interrupted run's step is still running: ${describeOrphans(orphans)}. ` +
          'Stop it (kill -- -<process group>) or let it end, or resume with --wait-for-orphans to wait for it');
      }
      if (!told) { say(`waiting for the interrupted run's step to end (--wait-for-orphans): ${describeOrphans(orphans)}`); told = true; }
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export interface TargetChange { connection: string; recorded: TargetFingerprint; now: TargetFingerprint }

/** Compares the recorded targets of the run's own connections, and this host, with what answers now. Targets
 *  that cannot be reached now, or whose URL needs results not yet known, are compared at first contact instead
 *  (the run's TargetGuard). Connections of called runbooks are compared there too. */
export async function changedTargets(doc: RunbookDoc, recorded: ReadonlyMap<string, TargetFingerprint>, context: MachineContext): Promise<TargetChange[]> {
  const changes: TargetChange[] = [];
  const host = recorded.get(HOST_TARGET);
  if (host) {
    const now = hostFingerprint();
    if (!sameTarget(host, now)) changes.push({ connection: HOST_TARGET, recorded: host, now });
  }
  const scope = scopeOf(context);
  for (const name of Object.keys(doc.connections ?? {})) {
    const before = recorded.get(name);
    if (!before) continue;
    const now = await fingerprintNow(() => connectionUrl(doc, name, scope).url);
    if (now && !sameTarget(before, now)) changes.push({ connection: name, recorded: before, now });
  }
  return changes;
}

export function describeChanges(changes: TargetChange[]): string {
  return changes.map((c) => `\n  ${c.connection === HOST_TARGET ? 'shell steps (this host)' : `connection '${c.connection}'`}:` +
    `\n    recorded: ${describeTarget(c.recorded)}\n    now:      ${describeTarget(c.now)}`).join('');
}

async function fingerprintNow(url: () => string): Promise<TargetFingerprint | undefined> {
  let info;
  try { info = parseUrl(url()); } catch { return undefined; }
  const signal = AbortSignal.timeout(CONNECT_MS);
  let session;
  try { session = await openSession(info, { timeoutMs: CONNECT_MS, signal }); } catch { return undefined; }
  try { return await fingerprintSession(session, info, signal); } finally { await session.close(); }
}
