// Who an SSH target is, and the one connection a run keeps to it. Identification opens the master connection
// (`ssh -N`, no command: nothing runs there) that every step of the run shares, and reads from the client's
// own log the host key it verified. The transcript records it, so a resume that reaches another machine under
// the same name (a rebuilt VM, a DNS change, a different bastion route) is refused, as for a database.
//
// The run is then pinned to that key. The key is read from the known_hosts line the client says matched (and
// checked against the fingerprint it verified); later connections (a master that died and is reopened, a
// step whose master went away under it) trust that key and nothing else, so they reach the same machine or
// fail as a host key mismatch. A key that was vouched for by a host CA (@cert-authority) has no line of its
// own: then no new connection is trusted directly, and a reopened master is compared with the first by
// fingerprint before any step uses it (the engine's target guard).
//
// The log goes to a file (-E), never to a pipe: the master stays in the background and would hold a pipe open.
// Transport failures are read from it and classified like a step's own; it is kept for the master's life, so
// that a connection lost mid-step is reported with the master's reason (masterLog, lostReason).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { TargetFingerprint } from './fingerprint.js';
import { classifyRemote } from './remote-classify.js';
import { loginOf, readSshSettings, uncheckedHostKeys, type SshSettings } from './ssh-config.js';
import { masterOptions, queryOptions, type SshTarget } from './ssh-options.js';
import type { Classification } from './types.js';
import { sleep } from '../common/sleep.js';

export type SshIdentity =
  | { ok: true; fingerprint: TargetFingerprint; pid?: number; pin?: string; login: { settings: SshSettings; unchecked?: string } }
  | { ok: false; classification: Classification; error: string };

const PROBE_LIMIT_MS = 30_000; // ConnectTimeout is 10 s; authentication gets the rest

export interface MasterSpec {
  socket: string;
  /** The known_hosts file to write the key to (first contact) or that already pins it (a reopened master). */
  pinFile: string;
  /** Set when the run already identified this target: reopen trusting only that. */
  pinned?: { pin?: string };
  env: NodeJS.ProcessEnv;
}

/** Opens the master connection and returns the verified host key, or why it failed. */
export async function identifySsh(t: SshTarget, spec: MasterSpec, signal: AbortSignal): Promise<SshIdentity> {
  const first = spec.pinned === undefined;
  const settings = await readSshSettings(t, spec.env, signal);
  if ('error' in settings) return { ok: false, classification: 'target-unreachable', error: `ssh cannot read its config for ${t.destination}: ${settings.error}` };
  const unchecked = uncheckedHostKeys(settings);
  if (first && unchecked && !t.allowUncheckedHostKey) return { ok: false, classification: 'target-hostkey-unknown', error: refusal(t, unchecked) };
  let { code, text } = await openMaster(t, spec, signal);
  let tries = 1;
  for (const pause of TURNED_AWAY_PAUSES_MS) {
    if (code === 0 || !turnedAway(text) || signal.aborted) break;
    await sleep(pause, signal);
    ({ code, text } = await openMaster(t, spec, signal));
    tries += 1;
  }
  if (code !== 0) {
    closeStray(t, spec); // stopped (aborted, timed out) just after the master went to the background
    const classification = classifyRemote(t, code === null ? 255 : code, text, false, !first) ?? 'target-unreachable';
    const problem = lastProblem(text) ?? `ssh to ${t.destination} failed (exit ${code ?? 'signal'})`;
    return { ok: false, classification, error: turnedAway(text) ? `${problem}: ${turnedAwayWhy(tries)}` : problem };
  }
  const pid = await masterPid(t, spec);
  const key = /Server host (?:key|certificate): (\S+) (SHA256:[^\s,]+)/.exec(text);
  // Where the config checks no host key the run's trust rests on its first connection: said however often reopened.
  const login = { settings, ...(unchecked ? { unchecked } : {}) };
  // Recorded as where ssh logged in (user@host:port, as ssh -G resolved it), not the alias or the target's name:
  // a resume that reaches the same host with the same key under another alias goes on (a different login or key
  // is another target). Without a key (none in the log) the login alone stands in, weakly.
  const where = `ssh ${loginOf(settings)}${unchecked ? `: host key NOT checked (${unchecked} in the ssh config; allowed by the runbook)` : ''}`;
  if (!key) return { ok: true, login, fingerprint: { engine: 'host', host: where, server: `${where} (no host key read)`, weak: true }, ...(pid ? { pid } : {}) };
  const fingerprint: TargetFingerprint = { engine: 'host', host: where, server: `ssh host key ${key[1]!.replace(/-cert-v01@openssh\.com$/, '')} ${key[2]}` };
  const pin = first ? writePin(text, key[2]!, spec.pinFile) : spec.pinned?.pin;
  return { ok: true, login, fingerprint, ...(pid ? { pid } : {}), ...(pin ? { pin } : {}) };
}

// A server that closes the connection before its greeting turned the client away before any key exchange:
// sshd over MaxStartups (too many connections waiting to log in, which it drops at random), or a limit in front
// of it. Nothing was authenticated and nothing ran, so the master is tried again, twice, after a pause.
const TURNED_AWAY_PAUSES_MS = [1000, 3000];
const turnedAwayWhy = (tries: number): string => `the server closed the connection before its greeting, ${tries === 1 ? 'once' : `${tries} times`} `
  + '(sshd turns connections away when too many wait to log in: MaxStartups; or a connection limit in front of it)';
const turnedAway = (log: string): boolean => /kex_exchange_identification: (?:Connection closed by remote host|read: Connection reset by peer)/.test(log);

async function openMaster(t: SshTarget, spec: MasterSpec, signal: AbortSignal): Promise<{ code: number | null; text: string }> {
  rmSync(spec.socket, { force: true }); // a master killed outright leaves its socket behind
  const log = masterLog(spec.socket);
  rmSync(log, { force: true }); // an earlier master's
  const args = ['-v', '-E', log, ...masterOptions(t, spec.socket, spec.pinned?.pin), '--', t.destination];
  const code = await exitOf(spawn('ssh', args, { stdio: 'ignore', detached: true, env: spec.env, signal: AbortSignal.any([signal, AbortSignal.timeout(PROBE_LIMIT_MS)]) }));
  return { code, text: readLog(log) };
}

function refusal(t: SshTarget, unchecked: string): string {
  return `the ssh config turns host key checking off for ${t.destination} (${unchecked}): whoever answers there would be trusted. `
    + `Fix the config, or set allow_unchecked_host_key: true on target '${t.name}' to accept that (the gate and the transcript then say so)`;
}

/** The known_hosts line the client says matched, if it holds the verified key itself: written as the run's pin. */
function writePin(log: string, fingerprint: string, file: string): string | undefined {
  const found = /^debug1: Found key in (.+):(\d+)$/m.exec(log);
  if (!found) return undefined; // a CA vouched for it (Found CA key), or nothing was looked up
  let line: string | undefined;
  try { line = readFileSync(found[1]!, 'utf8').split('\n')[Number(found[2]) - 1]; } catch { return undefined; }
  const [hosts, type, blob] = (line ?? '').trim().split(/\s+/);
  if (!hosts || hosts.startsWith('@') || !type || !blob) return undefined;
  const fp = `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
  if (fp !== fingerprint) return undefined;
  writeFileSync(file, `* ${type} ${blob}\n`, { mode: 0o600 });
  return file;
}

/** The background master's pid, as it tells it (ssh -O check). */
function masterPid(t: SshTarget, spec: MasterSpec): Promise<number | undefined> {
  return new Promise((resolve) => {
    const child = spawn('ssh', [...queryOptions(t, spec.socket), '-O', 'check', '--', t.destination], { stdio: ['ignore', 'ignore', 'pipe'], env: spec.env });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', () => resolve(undefined));
    child.on('close', () => { const m = /\(pid=(\d+)\)/.exec(err); resolve(m ? Number(m[1]) : undefined); });
  });
}

/** A master whose starter was stopped may already run in the background, unknown to the run: end it. */
function closeStray(t: SshTarget, spec: MasterSpec): void {
  if (!existsSync(spec.socket)) return;
  spawnSync('ssh', [...queryOptions(t, spec.socket), '-O', 'exit', '--', t.destination], { stdio: 'ignore', env: spec.env, timeout: 5000 });
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  });
}

/** The master's log (it appends to it for as long as it lives; removed with the control directory). */
export const masterLog = (socket: string): string => `${socket}.log`;

function readLog(file: string): string {
  try { return readFileSync(file, 'utf8'); } catch { return ''; }
}

/** Why the master's connection ended, in its own words, when its log says so. Its log also holds every
 *  command it sent (debug lines that go on over the script's own lines), so only its known words are read. */
export function lostReason(socket: string): string | undefined {
  const said = readLog(masterLog(socket)).split('\n').map((l) => l.replace(/^debug\d: /, '').trim())
    .filter((l) => LOST.test(l));
  return said.pop();
}

const LOST = /^(?:Connection to \S+ closed by remote host|Connection closed by \S+ port \d+|Connection reset by \S+ port \d+|client_loop: |Timeout, server \S+ not responding|Read from remote host |Write failed: |packet_write_wait: |ssh_dispatch_run_fatal: |Control master terminated)/;

/** The client's last line that is not debug chatter: what an operator would have seen on the terminal. */
function lastProblem(log: string): string | undefined {
  return log.split('\n').map((l) => l.trim()).filter((l) => l && !/^debug\d:|^OpenSSH_|^Transferred:|^Bytes per second:|^Authenticated to/.test(l)).pop();
}
