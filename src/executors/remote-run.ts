// Running a shell step on its target: the client must be installed here, the target is identified for the
// transcript (an SSH host by the key the client verified: a resume refuses another one), and the step runs as a local script that drives the client
// (remote.ts), under the same supervisor, timeout and kill as any local step.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from 'zx/core';
import { classifyRemote, CLIENT, describeRemote, remoteInvocation } from './remote.js';
import type { Classification, ExecContext, RemoteTarget, ShellAction, StepResult } from './types.js';
import type { TargetFingerprint } from './fingerprint.js';
import { identifySsh } from './ssh-identity.js';

/** The run's multiplexed SSH connections: one control socket per target, closed with the executor. */
export class RemoteSessions {
  private dir?: string;
  controlDir(): string {
    this.dir ??= mkdtempSync(join(tmpdir(), 'runbook-ssh-')); // 0700: only we may use the sockets
    return this.dir;
  }
  private readonly identities = new Map<string, TargetFingerprint>();
  private readonly clients = new Set<string>();

  /** Whether the client is installed here (looked up once per run once found: a PATH walk per step adds up). */
  hasClient(client: string): boolean {
    if (this.clients.has(client)) return true;
    const found = Boolean(which.sync(client, { nothrow: true }));
    if (found) this.clients.add(client);
    return found;
  }

  /** The target's identity: an SSH host's verified key (asked once per address per run), else its description. */
  async identify(t: RemoteTarget, signal: AbortSignal): Promise<{ ok: true; fingerprint: TargetFingerprint } | { ok: false; classification: Classification; error: string }> {
    if (t.kind !== 'ssh') return { ok: true, fingerprint: { engine: 'host', host: describeRemote(t), server: describeRemote(t), weak: true } };
    const key = JSON.stringify([t.destination, t.port, t.config]);
    const known = this.identities.get(key);
    if (known) return { ok: true, fingerprint: { ...known, host: describeRemote(t) } };
    const found = await identifySsh(t, this.controlDir(), signal);
    if (found.ok) this.identities.set(key, found.fingerprint);
    return found;
  }

  close(): void {
    if (!this.dir) return;
    for (const sock of readdirSync(this.dir)) {
      spawnSync('ssh', ['-o', `ControlPath=${join(this.dir, sock)}`, '-O', 'exit', 'runbook-control'], { stdio: 'ignore', timeout: 5000 });
    }
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

export async function runRemote(
  action: ShellAction & { remote: RemoteTarget }, ctx: ExecContext, sessions: RemoteSessions,
  runLocal: (a: ShellAction) => Promise<StepResult>,
): Promise<StepResult> {
  const t = action.remote;
  const client = CLIENT[t.kind];
  if (!sessions.hasClient(client)) {
    return { status: 'failed', durationMs: 0, classification: 'target-client-missing', error: `${client} is not installed on this machine; it is needed to run on target '${t.name}' (${describeRemote(t)})` };
  }
  const started = Date.now();
  const identity = await sessions.identify(t, ctx.signal);
  if (!identity.ok) return { status: 'failed', durationMs: Date.now() - started, classification: identity.classification, error: ctx.mask(identity.error) };
  try {
    ctx.onTarget?.(`target:${t.standsFor ?? t.name}`, identity.fingerprint);
  } catch (e) {
    return { status: 'failed', durationMs: 0, classification: 'other', error: ctx.mask((e as Error).message) };
  }
  const inv = remoteInvocation(action, sessions.controlDir());
  // The step's env and directory apply there (the wrapper sets them); here the client gets the engine's
  // environment without credentials, like any local step.
  const { remote: _remote, cwd: _cwd, ...rest } = action;
  const result = await runLocal({ ...rest, script: inv.script, values: inv.values, env: {} });
  if (result.status !== 'failed') return result;
  const classification = classifyRemote(t, result.exitCode ?? null, result.stderr ?? '');
  return classification ? { ...result, classification } : result;
}
