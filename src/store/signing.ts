// Signatures over a run's hash chain, so that a store whose owner rewrote history (triggers disabled, a line
// changed, every hash after it recomputed) is caught by anyone with the team's allowed-signers file, without
// a copy of the transcript. The driver signs the chain's head at the end of each batch it uploads, with an SSH
// key (`ssh-keygen -Y sign`, the team's existing keys and trust file); the chain makes a head's signature cover
// every line before it. OpenSSH's ssh-keygen signs and verifies: the engine reads no signature format itself.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../common/errors.js';
import { configEntry } from './url.js';

/** ssh-keygen's namespace for these signatures: a signature made for git or a file never passes as one. */
export const NAMESPACE = 'runbook-store';
export const SIGNING_KEY_ENV = 'RUNBOOK_SIGNING_KEY';
export const ALLOWED_SIGNERS_ENV = 'RUNBOOK_ALLOWED_SIGNERS';

/** What is signed: the run, the line and the chain's hash there (so a signature never stands for another run). */
export const signedText = (runId: string, seq: number, hash: string): string => `runbook store chain v1\nrun ${runId}\nseq ${seq}\nhash ${hash}\n`;

/** The driver's signing key (a private key file, or a public one whose private half is in ssh-agent), or none. */
export function findSigningKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = env[SIGNING_KEY_ENV];
  if (!key) return undefined;
  if (!existsSync(key)) throw new UserError(`${SIGNING_KEY_ENV} names ${key}, which does not exist (an SSH key file: the runs this driver uploads are signed with it)`);
  return key;
}

/** The team's allowed-signers file (ssh-keygen's format), from RUNBOOK_ALLOWED_SIGNERS or `allowed_signers:` in
 *  runbook.config.yaml (absolute, or relative to that file); none when neither is set. */
export interface Trust { file: string; from: string }
export function findTrust(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Trust | undefined {
  const fromEnv = env[ALLOWED_SIGNERS_ENV];
  const found = fromEnv ? { value: fromEnv, file: ALLOWED_SIGNERS_ENV } : configEntry('allowed_signers', cwd);
  if (!found) return undefined;
  const file = found.file === ALLOWED_SIGNERS_ENV ? found.value : resolve(dirname(found.file), found.value);
  if (!existsSync(file)) throw new UserError(`the allowed signers file ${file} (from ${found.file}) does not exist`);
  return { file, from: found.file };
}

/** The armored signature of the chain's head at `seq`, made with `key`. */
export async function signHead(key: string, runId: string, seq: number, hash: string): Promise<string> {
  const r = await sshKeygen(['-Y', 'sign', '-f', key, '-n', NAMESPACE], signedText(runId, seq, hash));
  if (r.code !== 0 || !r.stdout.includes('BEGIN SSH SIGNATURE')) throw new Error(`ssh-keygen could not sign with ${key}: ${lastLine(r.stderr)}`);
  return r.stdout;
}

/** Who signed the head at `seq` (a principal of the allowed-signers file), or why the signature does not hold. */
export async function verifyHead(trust: Trust, runId: string, seq: number, hash: string, signature: string): Promise<{ principal: string } | { bad: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sig-'));
  try {
    const sig = join(dir, 'head.sig');
    writeFileSync(sig, signature, { mode: 0o600 });
    const found = await sshKeygen(['-Y', 'find-principals', '-s', sig, '-f', trust.file, '-n', NAMESPACE], '');
    const principal = found.code === 0 ? found.stdout.split('\n')[0]?.trim() : undefined;
    if (!principal) return { bad: `its signature at event ${seq} is not by a key in ${trust.file}` };
    const ok = await sshKeygen(['-Y', 'verify', '-f', trust.file, '-I', principal, '-n', NAMESPACE, '-s', sig], signedText(runId, seq, hash));
    return ok.code === 0 ? { principal } : { bad: `the lines up to event ${seq} are not what ${principal} signed` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Ran { code: number; stdout: string; stderr: string }

/** ssh-keygen in a session of its own: no terminal to ask a passphrase on (an encrypted key without an agent
 *  fails instead of taking over the operator's screen), the message on its stdin. */
function sshKeygen(args: string[], input: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn('ssh-keygen', args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SSH_ASKPASS_REQUIRE: 'never' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (e) => resolve({ code: 127, stdout, stderr: e.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => undefined).end(input);
  });
}

const lastLine = (text: string): string => text.trim().split('\n').pop() ?? 'no reason given';
