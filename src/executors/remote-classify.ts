// Transport failures of a step on a target, by what its client said: the classifications runbooks branch on.
import type { Classification, RemoteTarget } from './types.js';

/** How a refused SSH host key is told apart: `pinned` when the connection trusted only the key this run
 *  identified the target by (a reopened master, a step's own connection): any refusal then means another key. */
export function hostKeyRefusal(stderr: string, pinned: boolean): Classification | undefined {
  if (!/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known|host key for .* has changed/i.test(stderr)) return undefined;
  if (pinned) return 'target-hostkey-pinned';
  return /REMOTE HOST IDENTIFICATION HAS CHANGED|host key for .* has changed/i.test(stderr) ? 'target-hostkey-changed' : 'target-hostkey-unknown';
}

/** Undefined when the failure was the script's own. `started`: the wrapper's handshake came back, so the
 *  transport worked; only a link lost since counts then. `pinned`: see hostKeyRefusal. */
export function classifyRemote(t: RemoteTarget, exitCode: number | null, stderr: string, started: boolean, pinned = false): Classification | undefined {
  if (started) {
    const lost = t.kind === 'ssh'
      ? exitCode === 255 && /closed by remote host|Connection to \S+ closed|client_loop:|Timeout, server \S+ not responding|Broken pipe/i.test(stderr)
      : /lost connection|connection reset by peer|error dialing backend|Cannot connect to the Docker daemon|Unable to connect to the server/i.test(stderr);
    return lost ? 'target-unreachable' : undefined;
  }
  if (t.kind === 'ssh' && exitCode !== 255) return undefined;
  if (t.kind === 'ssh') {
    const hostKey = hostKeyRefusal(stderr, pinned);
    if (hostKey) return hostKey;
    if (/Permission denied \(|Too many authentication failures|no matching host key type/i.test(stderr)) return 'target-auth';
    return 'target-unreachable';
  }
  if (/Unauthorized|You must be logged in|permission denied while trying to connect/i.test(stderr)) return 'target-auth';
  if (/Forbidden|cannot exec|executable file not found|OCI runtime exec failed/i.test(stderr)) return 'target-denied';
  if (/NotFound|not found|No such container|No such object|is not running|Unable to connect|connection refused|was refused|dial tcp|Cannot connect to the Docker daemon|no such host|i\/o timeout/i.test(stderr)) return 'target-unreachable';
  return undefined;
}
