// The options every ssh of a run passes, over whatever the operator's ssh config says. The config keeps what is
// theirs to decide (user, keys, agent, ProxyJump, ciphers); these are what the step's transport needs to work
// and to stay on the machine it was started on.
import type { RemoteTarget } from './types.js';

export type SshTarget = Extract<RemoteTarget, { kind: 'ssh' }>;

/** ssh expands % tokens (and a leading ~) in paths; ours are temporary files. */
const path = (p: string): string => p.replace(/%/g, '%%');

/** For every call, the master's and the steps'. */
const COMMON = [
  '-T', // never a pty, whatever RequestTTY says: it would echo the values, merge stderr and turn \n into \r\n
  '-e', 'none', // a value on stdin starting a line with ~. must not be read as an escape
  '-o', 'BatchMode=yes', // never asks: an unknown host key or a password prompt fails the step
  '-o', 'ConnectTimeout=10', '-o', 'ServerAliveInterval=10', '-o', 'ServerAliveCountMax=3',
  '-o', 'RemoteCommand=none', // a configured RemoteCommand would refuse our command (or replace it)
  '-o', 'ForkAfterAuthentication=no', '-o', 'StdinNull=no', // the values and the watcher need stdin; the exit code needs ssh
  '-o', 'PermitLocalCommand=no', // a LocalCommand would run here, and print into the step's output
  '-o', 'ClearAllForwardings=yes', '-o', 'Tunnel=no', // forwards the config asks for would fail (port in use) or linger
  // Neither the operator's agent nor their display goes to the target (a runbook's config: file asked for the agent,
  // and a proven read there could sign with its keys), and no known_hosts file here is rewritten (UpdateHostKeys
  // rewrote a file the config named, and removed lines from others): probes of stop 71.
  '-o', 'ForwardAgent=no', '-o', 'ForwardX11=no', '-o', 'ForwardX11Trusted=no', '-o', 'UpdateHostKeys=no',
];

/** The connection's trust: only the host key identification recorded (`pin`: a known_hosts file holding it);
 *  none (/dev/null) when it could not be recorded, so that no new connection is trusted. Nothing else vouches:
 *  not the operator's known_hosts, not a KnownHostsCommand, not DNS. */
function pinned(pin: string | undefined): string[] {
  return ['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${pin ? path(pin) : '/dev/null'}`,
    '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'KnownHostsCommand=none', '-o', 'VerifyHostKeyDNS=no',
    '-o', 'CheckHostIP=no'];
}

/** The runbook's config file (ssh-config-file.ts) decides where to log in, never what the operator's agent holds.
 *  (Its StrictHostKeyChecking no or accept-new is refused unless the target allows it, and then said: ssh-trust.) */
const RUNBOOK_CONFIG = ['-o', 'AddKeysToAgent=no'];

const own = (t: SshTarget): string[] => [...(t.port !== undefined ? ['-p', String(t.port)] : []), ...(t.config !== undefined ? [...RUNBOOK_CONFIG, '-F', t.config] : [])];

/** The master connection, opened by identification (ssh-identity.ts): no command, no session, in the background
 *  until the run closes it. Trust is the operator's, or once the run has the key pinned, that key only. */
export function masterOptions(t: SshTarget, socket: string, pin: string | undefined): string[] {
  return [...COMMON, '-N', '-o', 'ControlMaster=yes', '-o', `ControlPath=${path(socket)}`, '-o', 'ControlPersist=yes',
    ...(pin ? pinned(pin) : []), ...own(t)];
}

/** A step: a client of the master; never a master itself. Should the master have gone, a direct connection
 *  trusts only the recorded key: it reaches the identified machine or fails as a host key mismatch. */
export function stepOptions(socket: string, pin: string | undefined): string[] {
  return [...COMMON, '-o', 'SessionType=default', '-o', 'LogLevel=ERROR', '-o', 'ControlMaster=no', '-o', `ControlPath=${path(socket)}`, ...pinned(pin)];
}

/** `ssh -G` and `-O` calls for the target: its own port and config, our fixed options. */
export function queryOptions(t: SshTarget, socket?: string): string[] {
  return [...COMMON, ...(socket ? ['-o', `ControlPath=${path(socket)}`] : []), ...own(t)];
}

