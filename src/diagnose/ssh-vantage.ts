// `diagnose --from-ssh HOST`: the same layered probes, with every connection opened by HOST (ssh -W) and every
// name resolved there (getent), so its resolver, hosts file, routes and firewall decide; the TLS files the URL
// names, and the trust a verifying URL that names none falls back to, are read on HOST (ssh cat). The probes
// themselves are this build, run here in a child process (ssh-route.ts): nothing is installed on HOST.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../common/errors.js';
import { shellQuote } from '../common/shell-quote.js';
import { inheritedEnv } from '../secrets/credential-env.js';
import { parseUrl, socketPath } from '../db/url.js';
import { sshDestination } from '../executors/ssh-destination.js';
import { diagnoseArgv, probesFrom } from './probes-child.js';
import type { SshRoute } from './ssh-route.js';
import type { Diagnosis } from './types.js';
import type { PlaceName } from './vantage-render.js';
import { fileNames, ownCa, SYSTEM_STORES, TLS_PARAMS, verifies, type TlsFile } from './vantage-trust.js';

/** The environment variable that hands the route to the probes' process (read by the diagnose command). */
export const VIA_SSH_ENV = 'RUNBOOK_DIAGNOSE_VIA_SSH';

export interface SshVantage {
  ssh: string;
  /** Each TLS file as the URL names it (or the trust found for it on the host), and where it was read. */
  tlsFiles: TlsFile[];
}

/** The ssh options of every call: the operator's config (keys, agent, ProxyJump, known hosts), never a question,
 *  never a multiplexed master (its client says nothing of the channel), no forwarding the config asks for. */
function sshBase(config: string | undefined): string[] {
  return ['ssh', '-T', '-e', 'none', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'ControlMaster=no', '-o', 'ControlPath=none',
    '-o', 'ClearAllForwardings=yes', '-o', 'RemoteCommand=none', '-o', 'PermitLocalCommand=no', ...(config ? ['-F', config] : [])];
}

function onHost(route: SshRoute, command: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(route.ssh[0]!, [...route.ssh.slice(1), '--', route.destination, command], { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024, env: inheritedEnv(process.env, []) });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '', stderr: r.error ? r.error.message : r.stderr ?? '' };
}

const lastLine = (s: string): string => s.trim().split('\n').pop()?.slice(0, 200) ?? '';

/** The route to HOST, checked by one login: a one-line error when it cannot be used. */
export function sshRouteOf(destination: string, config: string | undefined): SshRoute {
  if (!destination || destination.startsWith('-') || /\s/.test(destination)) throw new UserError(`--from-ssh takes an SSH destination ([user@]host, [user@]host:port, ssh://… or an alias), got '${destination.slice(0, 80)}'`);
  let dest: string;
  try { dest = sshDestination(destination, undefined); } catch (e) { throw new UserError(`--from-ssh: ${(e as Error).message}`); }
  const route = { ssh: sshBase(config), destination: dest };
  const r = onHost(route, 'command -v getent');
  if (r.status === null) throw new UserError(`--from-ssh ${destination}: cannot start ssh (${r.stderr}): install openssh-client`);
  if (r.status === 255) throw new UserError(`--from-ssh ${destination}: cannot log in (${lastLine(r.stderr)})`);
  if (r.status !== 0) throw new UserError(`--from-ssh ${destination}: the host has no getent, which its names are resolved with`);
  return route;
}

/** The URL with each TLS file it names read on HOST into a private local copy (relative paths: from the login's
 *  home, where ssh starts); a verifying URL that names no CA gets the host's trust. `cleanup` removes the copies. */
export function withHostFiles(route: SshRoute, url: string): { url: string; vantage: SshVantage; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-from-ssh-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const vantage: SshVantage = { ssh: route.destination, tlsFiles: [] };
  let u: URL;
  try { u = new URL(url); } catch { return { url, vantage, cleanup }; }
  const own = ownCa(u); // before the loop below names local copies
  let n = 0;
  const fetch = (param: string, path: string, from?: string): void => {
    const r = onHost(route, `cat -- ${shellQuote(path)}`);
    const local = join(dir, `${n++}.pem`);
    // A file the host lacks is kept missing here too: the probes then say what the application's client says.
    if (r.status === 0) writeFileSync(local, r.stdout, { mode: 0o600 });
    u.searchParams.set(param, local);
    vantage.tlsFiles.push({ param, path, read: `${route.destination}:${path}`, ...(from ? { from } : {}) });
  };
  for (const param of TLS_PARAMS) {
    const path = u.searchParams.get(param);
    if (path && path !== 'system') fetch(param, path);
  }
  const trust = verifies(url) && (own === undefined || own === 'system') ? hostTrust(route, u, own === 'system') : undefined;
  if (trust) fetch(trust.param, trust.path, trust.from);
  return { url: u.href, vantage, cleanup };
}

/** libpq's ~/.postgresql/root.crt of the login (a PostgreSQL URL without sslrootcert=system), else the host's
 *  system store: the first of the distributions' paths the host has. */
function hostTrust(route: SshRoute, u: URL, systemOnly: boolean): { param: string; path: string; from: string } | undefined {
  const postgres = u.protocol.startsWith('postgres');
  const param = postgres ? 'sslrootcert' : 'ssl-ca';
  const candidates = [...(postgres && !systemOnly ? ['.postgresql/root.crt'] : []), ...SYSTEM_STORES];
  const r = onHost(route, `for f in ${candidates.map(shellQuote).join(' ')}; do [ -r "$f" ] && { echo "$f"; exit 0; }; done; exit 1`);
  const path = r.status === 0 ? r.stdout.trim() : undefined;
  if (!path) return undefined;
  return { param, path, from: path.startsWith('/') ? "the host's system store" : "libpq's default ~/.postgresql/root.crt of the login" };
}

/** A Unix socket URL names a file on that host: refused before anything logs in (a URL that does not parse is the
 *  probes' config layer to report). */
export function refuseSocketUrl(url: string, destination: string): void {
  let socket: string | undefined;
  try { socket = socketPath(parseUrl(url)); } catch { socket = undefined; }
  if (socket) throw new UserError(`--from-ssh ${destination}: a Unix socket URL names a file on that host; give its TCP address (the probes open TCP connections from there)`);
}

/** Runs the probes with HOST's connections and names; the diagnosis. */
export function diagnoseOverSsh(route: SshRoute, url: string, timeout: string, bin: string, destination: string): Promise<Diagnosis> {
  return probesFrom(diagnoseArgv(bin, timeout), url, `--from-ssh ${destination}`, { [VIA_SSH_ENV]: JSON.stringify(route) });
}

export function sshPlace(v: SshVantage): PlaceName {
  const files = fileNames(v.tlsFiles);
  return { label: `host ${v.ssh} over SSH`, detail: `its resolver and hosts file through getent, its routes${files.length ? `, its ${files.join(', ')}` : ''}` };
}
