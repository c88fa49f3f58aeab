// Running a shell step on its target: the client must be installed here, the target is identified (an SSH
// host by the key the client verified, a pod or container by what the client points at: a resume refuses
// another one), and the step runs as a local script that drives the client (remote.ts), under the same
// supervisor, timeout and kill as any local step.
//
// Every process started here for a target (the SSH master, ssh -G, kubectl and docker) gets the environment a
// local step gets: the engine's without credential variables. The SSH master lives as long as the run and
// would otherwise hold DATABASE_URL or PGPASSWORD all that time, as would a ProxyCommand it starts.
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { which } from 'zx/core';
import { inheritedEnv } from '../secrets/credential-env.js';
import { identifyContainer, samePod } from './container-identity.js';
import type { TargetFingerprint } from './fingerprint.js';
import { classifyRemote } from './remote-classify.js';
import { describeRemote } from './remote-describe.js';
import { Handshake } from './remote-handshake.js';
import type { Place } from './remote-place.js';
import { CLIENT, remoteInvocation, type DirectCommand, type Invocation } from './remote.js';
import { SshControl } from './ssh-control.js';
import { identifySsh, lostReason } from './ssh-identity.js';
import { abortedResult, failedResult } from './outcome.js';
import type { Classification, ExecContext, RemoteTarget, ShellAction, StepResult } from './types.js';

type Identity = { ok: true; fingerprint: TargetFingerprint; place: Place } | { ok: false; classification: Classification; error: string };

interface SshEntry {
  n: number;
  pid?: number;            // the master's, when it told it
  fingerprint?: TargetFingerprint;
  pin?: string;
  busy?: Promise<Identity>;
}

/** The run's connections to its targets: one SSH master per target, one identity per pod or container. */
export class RemoteSessions {
  private readonly control = new SshControl();
  private readonly ssh = new Map<string, SshEntry>();
  private readonly containers = new Map<string, Promise<Identity>>();
  private readonly clients = new Set<string>();

  constructor(private readonly baseEnv: NodeJS.ProcessEnv) {}

  /** Whether the client is installed here (looked up once per run once found: a PATH walk per step adds up). */
  hasClient(client: string): boolean {
    if (this.clients.has(client)) return true;
    const found = Boolean(which.sync(client, { nothrow: true }));
    if (found) this.clients.add(client);
    return found;
  }

  /** The target's identity and where its steps go. SSH: checked per step (is the master still there?), and
   *  reopened, pinned to the key first seen, when it is not. kubectl, docker: once per run; a pod's UID is
   *  read again before every later step. */
  identify(t: RemoteTarget, withheld: readonly string[], signal: AbortSignal): Promise<Identity> {
    const env = inheritedEnv(this.baseEnv, withheld);
    if (t.kind !== 'ssh') {
      const { name: _n, standsFor: _s, ...where } = t;
      const key = JSON.stringify(where);
      let known = this.containers.get(key);
      const fresh = !known;
      if (!known) {
        known = identifyContainer(t, env, signal);
        this.containers.set(key, known);
        void known.then((r) => { if (!r.ok) this.containers.delete(key); }); // a failure is asked again next time
      }
      return known.then(async (r): Promise<Identity> => {
        if (!r.ok) return r;
        if (!fresh && t.kind === 'kubectl' && r.place.kind === 'kubectl') {
          const gone = await samePod(t, r.place, env, signal);
          if (gone) return gone;
        }
        // Two targets may name one pod or container: each is described by its own name.
        return { ...r, fingerprint: { ...r.fingerprint, host: describeRemote(t, { place: r.place }) } };
      });
    }
    const key = JSON.stringify([t.destination, t.port, t.config, t.allowUncheckedHostKey]);
    let entry = this.ssh.get(key);
    if (!entry) { entry = { n: this.ssh.size + 1 }; this.ssh.set(key, entry); }
    const e = entry;
    // One identification at a time per target: steps running side by side share the master it opens.
    const after = () => this.sshIdentity(t, e, env, signal);
    const next = e.busy ? e.busy.then(after, after) : after();
    e.busy = next;
    return next;
  }

  private async sshIdentity(t: Extract<RemoteTarget, { kind: 'ssh' }>, e: SshEntry, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<Identity> {
    const socket = this.control.socket(e.n);
    const ours = (f: TargetFingerprint): Identity => ({ ok: true, fingerprint: f, place: { kind: 'ssh', socket, ...(e.pin ? { pin: e.pin } : {}) } });
    if (e.fingerprint && (e.pid !== undefined ? masterRuns(e.pid, socket) : await alive(socket))) return ours(e.fingerprint);
    const found = await identifySsh(t, { socket, pinFile: this.control.pinFile(e.n), env, ...(e.fingerprint ? { pinned: { ...(e.pin ? { pin: e.pin } : {}) } } : {}) }, signal);
    if (!found.ok) return found;
    if (found.pid) this.control.adopt(found.pid);
    e.pid = found.pid;
    e.fingerprint = found.fingerprint;
    e.pin ??= found.pin;
    return ours(found.fingerprint);
  }

  close(): void { this.control.close(); }
}

/** The master's reason when it has lost its connection; it may take a moment to notice after its clients (up to
 *  5 s under load: only an exit 255 that said nothing waits that long, a script's own `exit 255` included). */
async function connectionLost(socket: string): Promise<string | undefined> {
  for (let i = 0; i < 50; i++) {
    if (!await alive(socket)) {
      return lostReason(socket) ?? 'the server closed the connection (sshd stopped or killed, the host rebooting) or the link dropped; the master connection said no more';
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** The master still runs (by its pid, checked to be ours by its command line, which names the socket: a later
 *  process reusing the pid, or a zombie, has not) and its socket is there. Checked before every step: no
 *  connection to the master, which a connect would wake for nothing. */
function masterRuns(pid: number, socket: string): boolean {
  const named = `ControlPath=${socket.replace(/%/g, '%%')}\0`; // as ssh-options.ts passes it
  try { return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(named) && existsSync(socket); } catch { return false; }
}

/** A master answers on its control socket (one that was killed leaves the file behind, refusing). */
function alive(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(socket, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

export async function runRemote(
  action: ShellAction & { remote: RemoteTarget }, ctx: ExecContext, sessions: RemoteSessions,
  runLocal: (a: ShellAction, ctx: ExecContext, direct?: DirectCommand) => Promise<StepResult>,
): Promise<StepResult> {
  const t = action.remote;
  const client = CLIENT[t.kind];
  if (!sessions.hasClient(client)) {
    return { status: 'failed', durationMs: 0, classification: 'target-client-missing', error: `${client} is not installed on this machine; it is needed to run on target '${t.name}' (${describeRemote(t)})` };
  }
  const started = Date.now();
  const identity = await sessions.identify(t, action.withheld ?? [], ctx.signal);
  // The step's time ran out (or the run stopped) while the connection was being made: that is what happened,
  // not a transport failure (a slow handshake under load outlived a 2 s timeout and was reported as one).
  if (!identity.ok && ctx.signal.aborted) return abortedResult(ctx, started);
  if (!identity.ok) return { status: 'failed', durationMs: Date.now() - started, classification: identity.classification, error: ctx.mask(identity.error) };
  try {
    ctx.onTarget?.(`target:${t.standsFor ?? t.name}`, identity.fingerprint);
  } catch (e) {
    // Another machine than the one this run (or the run it resumes) identified: nothing was sent to it.
    // For a master reopened mid-run that is what a host key mismatch means.
    const changed = (e as Error).name === 'TargetChanged';
    return { status: 'failed', durationMs: Date.now() - started, classification: changed && t.kind === 'ssh' ? 'target-hostkey-pinned' : 'other', error: ctx.mask((e as Error).message) };
  }
  const handshake = new Handshake();
  let inv: Invocation;
  try {
    inv = remoteInvocation(action, identity.place, handshake.line, { id: ctx.stepId, ...(ctx.item !== undefined ? { item: ctx.item } : {}) });
  } catch (e) { return failedResult(ctx, started, 'other', e); } // a value bash cannot hold: nothing was sent
  const watched: ExecContext = {
    ...ctx,
    onOutput: (stream, text) => {
      const out = stream === 'stdout' ? handshake.take(text) : text;
      if (out) ctx.onOutput(stream, out);
    },
  };
  // The step's env and directory apply there (the wrapper sets them); here the client gets the engine's
  // environment without credentials, like any local step.
  const { remote: _remote, cwd: _cwd, ...rest } = action;
  const ran = 'argv' in inv ? await runLocal({ ...rest, script: '', values: [], env: {}, client: true }, watched, inv)
    : await runLocal({ ...rest, script: inv.script, values: inv.values, env: {}, client: true }, watched);
  const held = handshake.flush();
  if (held) { try { ctx.onOutput('stdout', held); } catch { /* a listener's failure is not the step's */ } }
  const result: StepResult = {
    ...ran,
    ...(ran.stdout !== undefined ? { stdout: handshake.strip(ran.stdout) } : {}),
    ...(ran.outputBytes !== undefined && handshake.seen ? { outputBytes: ran.outputBytes - handshake.line.length - 1 } : {}),
  };
  if (result.status !== 'failed' && result.status !== 'ok') return result;
  // A step's own connection trusts only the pinned key: any host key refusal there means another key.
  const transport = classifyRemote(t, result.exitCode ?? null, result.stderr ?? '', handshake.seen, true);
  const silent = !(result.stderr ?? '').trim();
  if (transport && !(transport === 'target-unreachable' && silent && identity.place.kind === 'ssh')) return { ...result, status: 'failed', classification: transport };
  if (identity.place.kind === 'ssh' && result.exitCode === 255) {
    // ssh's 255 with nothing said: a master that lost its connection (sshd killed, the link cut) ends its
    // clients that way; only the master's log says why. A live master with nothing to say: the script's own 255.
    const lost = await connectionLost(identity.place.socket);
    const when = handshake.seen ? 'while the step ran' : 'before the step started there';
    if (lost) return { ...result, status: 'failed', classification: 'target-unreachable', error: ctx.mask(`the connection to ${identity.fingerprint.host} was lost ${when}: ${lost}`) };
  }
  if (transport) return { ...result, status: 'failed', classification: transport };
  if (handshake.seen) return result;
  const said = (result.stderr ?? '').trim().split('\n').pop() || (result.stdout ?? '').trim().split('\n').pop();
  return {
    ...result, status: 'failed', classification: 'target-denied',
    error: ctx.mask(`the step did not start on ${describeRemote(t)}: its wrapper never ran there (no bash there, or a forced command — `
      + `authorized_keys command=, sshd ForceCommand — or a login shell that runs nothing, such as nologin, answered instead)${said ? `; it said: ${said}` : ''}`),
  };
}

/** Who answers for `t` now (resume compares it with the transcript before the first step); undefined when it
 *  cannot be reached now (first contact compares it then). The connection this opens is closed again. */
export async function identifyTargetNow(t: RemoteTarget): Promise<TargetFingerprint | undefined> {
  const sessions = new RemoteSessions({ ...process.env });
  try {
    if (!sessions.hasClient(CLIENT[t.kind])) return undefined;
    const found = await sessions.identify(t, [], AbortSignal.timeout(60_000));
    return found.ok ? found.fingerprint : undefined;
  } finally {
    sessions.close();
  }
}
