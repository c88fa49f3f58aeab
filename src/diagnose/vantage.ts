// Where a probe runs from. `diagnose --from-pid PID` runs the same layered probes from the application's own
// place: its network namespace (its `localhost`, its routes, its firewall), its /etc/hosts and its resolver
// configuration, read through /proc/PID/root — without installing anything inside its container. This process
// re-runs itself as `diagnose --json` under nsenter (the network namespace) and unshare (a private mount
// namespace where the application's two files are bound over ours), so the probes are the ones this build has.
import { existsSync, readlinkSync } from 'node:fs';
import { UserError } from '../common/errors.js';
import { applicationTrust, asProcessReads, NODE_EXTRA, TLS_PARAMS, verifies, type TlsFile } from './vantage-trust.js';
import { diagnoseArgv, probesFrom } from './probes-child.js';
import type { Diagnosis } from './types.js';

export interface Vantage {
  pid: number;
  /** Where the pid came from when the operator named a container (--from-container). */
  container?: { name: string; runtime: string; id: string };
  /** Where the pid came from when the operator named a pod (--from-pod): its container on this node. */
  pod?: { namespace: string; name: string; container: string; node: string; id: string };
  /** The process's network namespace, and whether it is this process's own (then only its files differ). */
  netns: string;
  sameNetns: boolean;
  /** Its files bound over ours for the probes: what it resolves names with. */
  files: string[];
  /** The TLS files the URL names (its trust: sslrootcert, and sslcert, sslkey), each as the application reads it:
   *  the path in its own root, or from its working directory; `from`: a trust the URL does not name, found where
   *  the application's client looks (vantage-trust.ts). */
  tlsFiles: TlsFile[];
}

const FILES = ['/etc/hosts', '/etc/resolv.conf', '/etc/nsswitch.conf'];

/** The place of process `pid`, or a one-line error naming why it cannot be entered (`flag`: as the operator
 *  asked for it, `--from-pid 4711` or `--from-container app`). */
export function vantageOf(pid: number, flag = `--from-pid ${pid}`): Vantage {
  if (!Number.isInteger(pid) || pid <= 0) throw new UserError(`--from-pid takes a process id, got '${pid}'`);
  if (!existsSync(`/proc/${pid}`)) throw new UserError(`${flag}: no such process here`);
  if (process.getuid?.() !== 0) throw new UserError(`${flag}: entering another process's network namespace needs root (run it with sudo)`);
  let netns: string;
  try { netns = readlinkSync(`/proc/${pid}/ns/net`); } catch (e) { throw new UserError(`${flag}: cannot read its network namespace (${(e as Error).message})`); }
  const files = FILES.filter((f) => existsSync(`/proc/${pid}/root${f}`));
  return { pid, netns, sameNetns: netns === readlinkSync('/proc/self/ns/net'), files, tlsFiles: [] };
}

/**
 * The URL with each TLS file it names read where the application reads it: `/etc/app/ca.pem` is the file in the
 * application's own root (/proc/PID/root/etc/app/ca.pem: another one, or none, in a container), a relative path
 * is from its working directory (/proc/PID/cwd). Without this the probes from its place judged its connection
 * with this host's trust. A URL that is not a URL (a libpq keyword string) is left as it is.
 */
export function withApplicationFiles(v: Vantage, url: string): { url: string; vantage: Vantage } {
  let u: URL;
  try { u = new URL(url); } catch { return { url, vantage: v }; }
  const tlsFiles: Vantage['tlsFiles'] = [];
  for (const param of TLS_PARAMS) {
    const path = u.searchParams.get(param);
    if (!path || path === 'system') continue; // `system`: the application's own store (vantage-trust.ts)
    const read = asProcessReads(v.pid, path);
    u.searchParams.set(param, read);
    tlsFiles.push({ param, path, read });
  }
  const trust = verifies(url) ? applicationTrust(v.pid, u) : undefined;
  if (trust) {
    const { given, ...shown } = trust;
    if (trust.param !== NODE_EXTRA) u.searchParams.set(trust.param, given ?? trust.read); // Node's reaches the probes' own Node
    tlsFiles.push(shown);
  }
  return tlsFiles.length ? { url: u.href, vantage: { ...v, tlsFiles } } : { url, vantage: v };
}

/** The script run inside the private mount namespace: copies of the application's files bound over ours, then
 *  the probes. Copies, not binds of /proc/PID/root/…: a bind of that path can reach the file under the
 *  application's own bind mount (seen under gVisor), and a copy is what the application reads now anyway. The
 *  copies live on a tmpfs mounted in that namespace only: nothing is left on the host. */
const BIND = 'pid=$1; shift; d=/mnt; mount -t tmpfs -o size=1m,mode=700 vantage "$d" || exit 97; for f in /etc/hosts /etc/resolv.conf /etc/nsswitch.conf; do '
  + 'if [ -e "/proc/$pid/root$f" ] && [ -e "$f" ]; then c="$d/${f##*/}"; cat "/proc/$pid/root$f" > "$c" && mount --bind "$c" "$f" || exit 97; fi; done; exec "$@"';

/** Runs `diagnose <url> --json` from the vantage; the diagnosis it printed. */
export function diagnoseFrom(v: Vantage, url: string, timeout: string, bin: string): Promise<Diagnosis> {
  const argv = ['nsenter', `--net=/proc/${v.pid}/ns/net`, '--', 'unshare', '--mount', '--propagation', 'private', '--',
    'sh', '-c', BIND, 'vantage', String(v.pid), ...diagnoseArgv(bin, timeout)];
  // The application's extra CAs when it is Node.js, and never the operator's (an empty value is none to Node).
  const extra = v.tlsFiles.find((f) => f.param === NODE_EXTRA)?.read ?? '';
  return probesFrom(argv, url, v.container ? `--from-container ${v.container.name}` : `--from-pid ${v.pid}`, { [NODE_EXTRA]: extra });
}
