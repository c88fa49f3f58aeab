// Who an SSH target is: the host key the client verified, read from the client's own log when it opens the
// run's one multiplexed connection to the target. The transcript records it, so a resume that reaches another
// machine under the same name (a rebuilt VM, a DNS change, a different bastion route) is refused, as for a
// database. The probe opens the master connection the steps then share, so it costs no extra handshake.
//
// Its log goes to a file (-E), never to a pipe: the master stays in the background (ControlPersist) and would
// hold a pipe open. Transport failures are read from that log and classified like a step's own.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetFingerprint } from './fingerprint.js';
import { classifyRemote, describeRemote, sshOptions } from './remote.js';
import type { Classification, RemoteTarget } from './types.js';

type SshTarget = Extract<RemoteTarget, { kind: 'ssh' }>;

export type SshIdentity =
  | { ok: true; fingerprint: TargetFingerprint }
  | { ok: false; classification: Classification; error: string };

const PROBE_LIMIT_MS = 30_000; // ConnectTimeout is 10 s; authentication gets the rest

/** Connects (opening the shared master connection) and returns the verified host key, or why it failed. */
export async function identifySsh(t: SshTarget, controlDir: string, signal: AbortSignal): Promise<SshIdentity> {
  const log = join(controlDir, `identify-${Math.random().toString(36).slice(2, 10)}.log`);
  const args = ['-v', '-E', log, ...sshOptions(t, controlDir), '--', t.destination, 'true'];
  const code = await exitOf(spawn('ssh', args, { stdio: 'ignore', signal: AbortSignal.any([signal, AbortSignal.timeout(PROBE_LIMIT_MS)]) }));
  const text = readLog(log);
  if (code !== 0) {
    const classification = classifyRemote(t, code === null ? 255 : code, text) ?? 'target-unreachable';
    return { ok: false, classification, error: lastProblem(text) ?? `ssh to ${t.destination} failed (exit ${code ?? 'signal'})` };
  }
  const key = /Server host key: (\S+) (SHA256:\S+)/.exec(text);
  const where = describeRemote(t);
  // No key in the log: the connection was already open (another target with the same address); weak identity.
  const fingerprint: TargetFingerprint = key
    ? { engine: 'host', host: where, server: `ssh host key ${key[1]} ${key[2]}` }
    : { engine: 'host', host: where, server: where, weak: true };
  return { ok: true, fingerprint };
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  });
}

function readLog(file: string): string {
  try {
    // Read now and remove: the background master appends to it for as long as it lives.
    const text = readFileSync(file, 'utf8');
    rmSync(file, { force: true });
    return text;
  } catch {
    return '';
  }
}

/** The client's last line that is not debug chatter: what an operator would have seen on the terminal. */
function lastProblem(log: string): string | undefined {
  return log.split('\n').map((l) => l.trim()).filter((l) => l && !/^debug\d:|^OpenSSH_|^Transferred:|^Authenticated to/.test(l)).pop();
}
