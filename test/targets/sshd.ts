// A real OpenSSH server on loopback for the target tests, started by the test: its own host key, a client key,
// a client config that pins the host key (StrictHostKeyChecking yes), nothing from the operator's ~/.ssh.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort } from '../../src/lab/ports.js';

export const SSHD = '/usr/sbin/sshd';

export interface Sshd { port: number; dir: string; config: string; alias: string; user: string; stop(): Promise<void>; clientConfig(over?: Record<string, string>): string }

/** sshd takes one SetEnv line (the first value of a variable wins). */
const setEnvLine = (vars: string[]): string[] => (vars.length ? [`SetEnv ${vars.join(' ')}`] : []);

const keygen = (file: string) => spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { stdio: 'ignore' });

/** `accountRc: true`: the account's login shell there reads its ~/.bashrc for each command. By default it does
 *  not: bash reads that file for a command run by sshd only at shell level 1, so the server sets SHLVL=1
 *  (sshd_config SetEnv), as for a server account whose rc returns early for a non-interactive shell (Debian's
 *  does). Whatever the account here (root, say) does in its rc (pyenv init: 150-400 ms idle, seconds on a loaded
 *  machine, for every step) is not runbook's, and made the SSH tests' step limits a measure of it. */
/** `forced`: client keys (by name, `forced_<name>` in dir) whose authorized_keys line carries `command="…"`: a
 *  login that runs that instead of what the client asks. `ca`: a host CA's private key file; the host key gets a
 *  certificate from it (known_hosts then needs only `@cert-authority`). */
/** `maxStartups`: sshd's MaxStartups. By default far above what the tests open at once: sshd's own default
 *  (10:30:100) drops connections at random once 10 wait for their login, which a loaded machine running the
 *  tests side by side reaches (a dropped connection is target-unreachable, not the failure a test provokes). */
/** `pam`: UsePAM yes, so that a system account whose password is locked (`!`, as Debian's postgres) may log in
 *  with a key (without PAM, sshd refuses a locked account outright); its files are then readable by all. */
/** `netns`: the server runs in that network namespace (one the test made), with `hosts` bound over its
 *  /etc/hosts: another host, as the client reaches it through a ProxyCommand into the namespace. */
/** `setEnv`: variables every session there gets (sshd_config SetEnv), as an account's environment would. */
export async function startSshd(opts: { accountRc?: boolean; forced?: Record<string, string>; ca?: string; maxStartups?: string; pam?: boolean; netns?: { name: string; hosts?: string }; setEnv?: Record<string, string> } = {}): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sshd-'));
  const port = await freePort();
  const user = userInfo().username;
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  keygen(join(dir, 'other_key'));
  const forced = Object.entries(opts.forced ?? {}).map(([name, command]) => {
    keygen(join(dir, `forced_${name}`));
    return `command="${command}" ${readFileSync(join(dir, `forced_${name}.pub`), 'utf8')}`;
  });
  writeFileSync(join(dir, 'authorized_keys'), [readFileSync(join(dir, 'client_key.pub'), 'utf8'), ...forced].join(''));
  if (opts.ca) spawnSync('ssh-keygen', ['-q', '-s', opts.ca, '-I', `runbook-test-${port}`, '-h', '-n', '127.0.0.1', join(dir, 'host_key.pub')], { stdio: 'ignore' });
  const sshdConfig = join(dir, 'sshd_config');
  writeFileSync(sshdConfig, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes', 'PermitRootLogin prohibit-password', 'StrictModes no', `UsePAM ${opts.pam ? 'yes' : 'no'}`, 'LogLevel ERROR',
    `MaxStartups ${opts.maxStartups ?? '1000'}`,
    ...setEnvLine([...(opts.accountRc === true ? [] : ['SHLVL=1']), ...Object.entries(opts.setEnv ?? {}).map(([k, v]) => `${k}=${v}`)]), ...(opts.ca ? [`HostCertificate ${join(dir, 'host_key-cert.pub')}`] : []), '',
  ].join('\n'));
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true }); // the privilege-separation directory
  if (opts.pam) chmodSync(dir, 0o755); // sshd reads authorized_keys as the account logging in
  const ns = opts.netns;
  const argv = [SSHD, '-D', '-e', '-f', sshdConfig];
  const proc: ChildProcess = ns
    ? spawn('ip', ['netns', 'exec', ns.name, 'unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c',
      `${ns.hosts ? 'mount --bind "$0" /etc/hosts && ' : ''}exec "$@"`, ns.hosts ?? 'sh', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  // Into the namespace: a relay of the client's stdio to the server's port there. Node's, for its half-close: a
  // shell relay's reading half outlives the client and holds the session (and whoever reads its stderr) open.
  const relay = `const s = require('net').connect(${port}, '127.0.0.1'); process.stdin.pipe(s); s.pipe(process.stdout);`;
  const proxy = ns ? `ip netns exec ${ns.name} ${process.execPath} -e "${relay}"` : undefined;
  if (ns) await waitInNetns(ns.name, port, () => err); else await waitForPort(port, () => err);
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${readFileSync(join(dir, 'host_key.pub'), 'utf8')}`);
  const alias = 'runbook-sshd';
  const clientConfig = (over: Record<string, string> = {}) => {
    const file = join(dir, `client_config_${Math.random().toString(36).slice(2, 8)}`);
    const settings: Record<string, string> = {
      HostName: '127.0.0.1', Port: String(port), User: user, IdentityFile: join(dir, 'client_key'), IdentitiesOnly: 'yes',
      UserKnownHostsFile: join(dir, 'known_hosts'), GlobalKnownHostsFile: '/dev/null', StrictHostKeyChecking: 'yes',
      ...(proxy ? { ProxyCommand: proxy } : {}), ...over,
    };
    writeFileSync(file, [`Host ${alias}`, ...Object.entries(settings).map(([k, v]) => `  ${k} ${v}`), ''].join('\n'));
    return file;
  };
  return {
    port, dir, alias, user, config: clientConfig(), clientConfig,
    stop: async () => { if (proc.exitCode === null && proc.signalCode === null) { proc.kill('SIGTERM'); await new Promise((r) => proc.once('exit', r)); } rmSync(dir, { recursive: true, force: true }); },
  };
}

async function waitInNetns(netns: string, port: number, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (spawnSync('ip', ['netns', 'exec', netns, 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' }).status === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not start on port ${port} in ${netns}: ${log()}`);
}

async function waitForPort(port: number, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not start on port ${port}: ${log()}`);
}
