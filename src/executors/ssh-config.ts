// What the operator's ssh config makes of a target, as `ssh -G` prints it (no network): who and where the
// client will log in (the gate shows it), and whether the config turned host key checking off. That is never
// accepted silently: a target whose config says StrictHostKeyChecking no (or accept-new: a host never seen
// is trusted at first contact) is refused unless the runbook allows it on that target, and then the gate and
// the transcript say so.
import { spawn, spawnSync } from 'node:child_process';
import { refusedSshConfig } from './ssh-config-file.js';
import { queryOptions, type SshTarget } from './ssh-options.js';

export interface SshSettings {
  user: string;
  hostname: string;
  port: string;
  /** How the config checks host keys: true (yes), false (no), ask, accept-new. */
  strictHostKeyChecking: string;
}

const G_LIMIT_MS = 10_000; // ssh -G reads files only (a runbook's config may not say `Match exec`: ssh-config-file.ts)

const argv = (t: SshTarget): string[] => ['-G', ...queryOptions(t), '--', t.destination];

export function parseSshG(text: string): SshSettings | undefined {
  const get = (key: string) => new RegExp(`^${key} (.*)$`, 'm').exec(text)?.[1]?.trim();
  const hostname = get('hostname');
  if (hostname === undefined) return undefined;
  return { user: get('user') ?? '', hostname, port: get('port') ?? '22', strictHostKeyChecking: get('stricthostkeychecking') ?? 'ask' };
}

/** Read once when the target is first reached; `error` says why ssh could not read its config. */
export function readSshSettings(t: SshTarget, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<SshSettings | { error: string }> {
  const refused = t.config !== undefined ? refusedSshConfig(t.config) : undefined;
  if (refused) return Promise.resolve({ error: refused });
  return new Promise((resolve) => {
    const child = spawn('ssh', argv(t), { stdio: ['ignore', 'pipe', 'pipe'], env, signal: AbortSignal.any([signal, AbortSignal.timeout(G_LIMIT_MS)]) });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => resolve({ error: e.message }));
    child.on('close', (code) => {
      const settings = code === 0 ? parseSshG(out) : undefined;
      resolve(settings ?? { error: err.trim().split('\n').pop() || `ssh -G failed (exit ${code ?? 'signal'})` });
    });
  });
}

/** For the gate, which is drawn synchronously; undefined when ssh cannot say. */
export function readSshSettingsSync(t: SshTarget, env: NodeJS.ProcessEnv): SshSettings | undefined {
  if (t.config !== undefined && refusedSshConfig(t.config)) return undefined;
  const r = spawnSync('ssh', argv(t), { encoding: 'utf8', env, timeout: G_LIMIT_MS, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? parseSshG(r.stdout) : undefined;
}

/** The config's setting that turns host key checking off, in its own words; undefined when it checks. */
export function uncheckedHostKeys(s: SshSettings): string | undefined {
  if (s.strictHostKeyChecking === 'false') return 'StrictHostKeyChecking no';
  if (s.strictHostKeyChecking === 'accept-new') return 'StrictHostKeyChecking accept-new';
  return undefined;
}

/** user@host:port, as the client will log in. */
export const loginOf = (s: SshSettings): string => `${s.user ? `${s.user}@` : ''}${s.hostname.includes(':') ? `[${s.hostname}]` : s.hostname}:${s.port}`;
