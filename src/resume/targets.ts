// What `resume` makes sure of before its first step: nothing of the interrupted run still runs (its step's process
// group, its destructive statement's server session), and every target the run reached or named is the one
// answering now. Each refusal is one line and leaves the transcript untouched.
import { UserError } from '../common/errors.js';
import { openSession } from '../db/open.js';
import { parseUrl } from '../db/url.js';
import { chooseTarget, connectionUrl } from '../engine/prepare.js';
import { identifyTargetNow } from '../executors/remote-run.js';
import type { Session } from '../db/session.js';
import { describeLive, liveSessions, type ServerSessionId } from '../db/server-session.js';
import { scopeOf } from '../engine/scope.js';
import { addressNow } from '../engine/connection-addresses.js';
import type { RecordedTargets } from '../engine/target-guard.js';
import type { MachineContext } from '../engine/machine-types.js';
import type { Scope, Taint } from '../language/expression/index.js';
import {
  describeAddress, describeTarget, fingerprintSession, HOST_TARGET, hostFingerprint, restartedText, sameAddress, sameLifetime, sameTarget, type TargetAddress, type TargetFingerprint,
} from '../executors/fingerprint.js';
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

export interface TargetChange { connection: string; recorded: string; now: string }

export interface TargetCheckOptions {
  /** The run's environment (process env with --env-file on top): credentials to connect with, and what fills
   *  in a URL's user and database, exactly as the run will connect. */
  env: Record<string, string | undefined>;
  waitForSessions: boolean;
  say: (line: string) => void;
  mask: (text: string) => string;
  /** The run's taint hook: a connection's address is compared with the parts from a secret masked, as the run
   *  recorded it (engine/url-secrets.ts). */
  taint?: Taint;
}

/** Compares where each of the run's own connections leads now (its URL with today's inputs and environment)
 *  with where it led when the run started, and who answers there with who answered then; and looks for the
 *  interrupted run's server sessions still running there. Its shell targets are compared too (an SSH host by
 *  its key, a pod or container by what the client points at), and this host. Connections of called runbooks,
 *  and URLs or targets that need results not yet known, are compared at first contact instead (the run's
 *  TargetGuard); so is a connection that cannot be reached now, and the operator is told so. */
export async function changedTargets(doc: RunbookDoc, recorded: Required<RecordedTargets>, context: MachineContext, opts: TargetCheckOptions): Promise<TargetChange[]> {
  const changes: TargetChange[] = [];
  const host = recorded.fingerprints.get(HOST_TARGET);
  if (host) {
    const now = hostFingerprint();
    if (!sameTarget(host, now)) changes.push({ connection: HOST_TARGET, recorded: describeTarget(host), now: describeTarget(now) });
    else if (!sameLifetime(host, now)) changes.push({ connection: HOST_TARGET, recorded: describeTarget(host), now: restartedText(host, now) });
  }
  const scope = scopeOf(context, undefined, opts.taint);
  for (const name of Object.keys(doc.connections ?? {})) {
    const change = await checkConnection(doc, name, recorded, scope, opts);
    if (change) changes.push(change);
  }
  for (const name of Object.keys(doc.targets ?? {})) {
    const key = `target:${name}`;
    const before = recorded.fingerprints.get(key);
    if (!before) continue;
    let now: TargetFingerprint | undefined;
    try {
      const where = chooseTarget(doc, name, scope);
      now = where.remote ? await identifyTargetNow(where.remote) : hostFingerprint();
    } catch {
      continue; // its if needs what is not known yet: compared at first contact
    }
    if (now && !sameTarget(before, now)) changes.push({ connection: key, recorded: describeTarget(before), now: describeTarget(now) });
    else if (now && !sameLifetime(before, now)) changes.push({ connection: key, recorded: describeTarget(before), now: restartedText(before, now) });
  }
  return changes;
}

async function checkConnection(doc: RunbookDoc, name: string, recorded: Required<RecordedTargets>, scope: Scope, opts: TargetCheckOptions): Promise<TargetChange | undefined> {
  const planned = recorded.addresses.get(name);
  const before = recorded.fingerprints.get(name);
  const sessions = recorded.sessions.get(name) ?? [];
  if (!planned && !before && !sessions.length) return undefined;
  const address = addressNow(doc, name, scope, opts.env);
  if (!address) return undefined; // needs a step's result: compared at first contact
  const was = planned ?? before!;
  const moved = !sameAddress(was, address);
  const wasText = before ? describeTarget(before) : describeAddress({ ...was, engine: engineOf(was) });
  if (!moved && !before && !sessions.length) return undefined;
  let session: Session;
  const signal = AbortSignal.timeout(CONNECT_MS);
  try {
    session = await openSession(parseUrl(connectionUrl(doc, name, scope).url), { timeoutMs: CONNECT_MS, signal, env: opts.env });
  } catch (e) {
    // The address alone tells a move: refused without reaching anything.
    if (moved) return { connection: name, recorded: wasText, now: `${describeAddress(address)} (not reachable now)` };
    opts.say(`cannot reach connection '${name}' to check it before resuming (${opts.mask(errorLine(e))}); ` +
      'it is checked when the run first reaches it, before anything is sent there');
    return undefined;
  }
  try {
    let now: TargetFingerprint;
    try {
      now = await fingerprintSession(session, address, signal);
    } catch (e) {
      // It did not say who it is in time: left to first contact, as an unreachable one is.
      opts.say(`connection '${name}' did not say who it is in time (${opts.mask(errorLine(e))}); it is checked when the run first reaches it, before anything is sent there`);
      return moved ? { connection: name, recorded: wasText, now: `${describeAddress(address)} (did not answer who it is)` } : undefined;
    }
    if (moved || (before && !sameTarget(before, now))) return { connection: name, recorded: wasText, now: describeTarget(now) };
    if (before && !sameLifetime(before, now)) return { connection: name, recorded: wasText, now: restartedText(before, now) };
    await noLiveSessions(session, name, sessions.filter((id) => id.server === now.server), opts);
    return undefined;
  } finally {
    await session.close();
  }
}

/** Refuses while a server session of the interrupted run still runs its statement, or waits when told to. */
async function noLiveSessions(session: Session, name: string, recorded: ServerSessionId[], opts: TargetCheckOptions): Promise<void> {
  let told = false;
  for (;;) {
    const live = recorded.length ? await liveSessions(session, recorded, AbortSignal.timeout(CONNECT_MS)) : [];
    if (!live.length) return;
    const what = opts.mask(describeLive(live));
    if (!opts.waitForSessions) {
      throw new UserError(`refusing to resume: the interrupted run's statement still runs on the server for connection '${name}': ${what}. ` +
        'It cannot commit (its client is gone), but a second copy beside it would run twice. Let it end (or cancel it on the server), or resume with --wait-for-orphans to wait for it');
    }
    if (!told) { opts.say(`waiting for the interrupted run's statement to end on the server (--wait-for-orphans): ${what}`); told = true; }
    await new Promise((r) => setTimeout(r, POLL_MS * 5));
  }
}

/** Refuses when another target answers now than the run was started on, naming both; with --retarget the run
 *  continues there, every destructive step asking again. */
export async function checkSameTargets(doc: RunbookDoc, recorded: Required<RecordedTargets>, context: MachineContext, opts: TargetCheckOptions, retarget: boolean): Promise<void> {
  const changes = await changedTargets(doc, recorded, context, opts);
  if (changes.length && !retarget) {
    throw new UserError(`refusing to resume: another target answers now than the one this run was started on; nothing was run.${describeChanges(changes)}\n` +
      'If the run must continue there, resume with --retarget (every destructive step asks again).');
  }
  if (changes.length) opts.say(`--retarget: continuing on another target; every destructive step asks again.${describeChanges(changes)}`);
}

export function describeChanges(changes: TargetChange[]): string {
  const what = (c: TargetChange) => c.connection === HOST_TARGET ? 'shell steps (this host)'
    : c.connection.startsWith('target:') ? `target '${c.connection.slice('target:'.length)}'` : `connection '${c.connection}'`;
  return changes.map((c) => `\n  ${what(c)}:` +
    `\n    recorded: ${c.recorded}\n    now:      ${c.now}`).join('');
}

const engineOf = (t: TargetAddress | TargetFingerprint): TargetAddress['engine'] => (t.engine === 'host' ? 'postgres' : t.engine);

function errorLine(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).replace(/\s+/g, ' ').slice(0, 200);
}
