// `diagnose --from-ssh HOST`, inside the probes' own process: every TCP connection the probes and drivers open
// (node:net, under pg, mysql2, TLS and the raw probes alike) is opened *by that host* through `ssh -W host:port`,
// so its resolver, hosts file, routes and firewall decide, and every name is resolved there by getent (its
// getaddrinfo: nsswitch, /etc/hosts, its DNS). Nothing is installed or left on the host: one ssh login per
// connection, gone with it. Loaded only into the child process that ssh-vantage.ts starts.
import { spawn } from 'node:child_process';
import dns from 'node:dns';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inheritedEnv } from '../secrets/credential-env.js';

/** What ssh prints when the host could not open the connection (OpenSSH: "channel 0: open failed: connect failed:
 *  <strerror or gai_strerror>"), as the errno a local connect would have given. */
const OPEN_FAILED = /open failed: connect failed: (.*)/;
const ERRNO: [RegExp, string, string][] = [
  [/Connection refused/i, 'ECONNREFUSED', 'connect'],
  [/timed out/i, 'ETIMEDOUT', 'connect'],
  [/No route to host/i, 'EHOSTUNREACH', 'connect'],
  [/Network is unreachable/i, 'ENETUNREACH', 'connect'],
  [/Name or service not known|No address associated|nodename nor servname/i, 'ENOTFOUND', 'getaddrinfo'],
  [/Temporary failure in name resolution/i, 'EAI_AGAIN', 'getaddrinfo'],
];
/** OpenSSH's debug2 line once the host's connect succeeded (it confirms the channel only then). */
const CONFIRMED = /channel \d+: open confirm/;

/** The ssh command line before the remote part: the operator's config, never a question, never a multiplexed
 *  master (its client prints nothing of the channel). */
export interface SshRoute { ssh: string[]; destination: string }

const sysError = (message: string, code: string, syscall: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(message), { code, syscall, ...extra });

/** ssh gets the operator's agent and config, never the URL this process was handed (nor any other credential). */
const sshEnv = (): NodeJS.ProcessEnv => inheritedEnv(process.env, []);

/** A host name as getent may be given it on the remote command line; anything else resolves to nothing. */
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;

/** getent ahosts on the host: its getaddrinfo's answer, in its order, each address once. */
export function remoteLookup(route: SshRoute, host: string): Promise<{ address: string; family: number }[]> {
  if (!HOST_NAME.test(host)) return Promise.reject(sysError(`getaddrinfo ENOTFOUND ${host}`, 'ENOTFOUND', 'getaddrinfo', { hostname: host }));
  return new Promise((resolve, reject) => {
    const child = spawn(route.ssh[0]!, [...route.ssh.slice(1), '--', route.destination, `getent ahosts ${host}`], { stdio: ['ignore', 'pipe', 'pipe'], env: sshEnv() });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    // Its exit and the end of its output, not 'close': a ProxyCommand's leftover may hold ssh's stderr open.
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const read = new Promise((r) => child.stdout.on('end', r));
    void Promise.all([exited, read]).then(([code]) => {
      // getent: 2 is "no such key"; ssh: 255 is its own failure.
      if (code === 2) return reject(sysError(`getaddrinfo ENOTFOUND ${host}`, 'ENOTFOUND', 'getaddrinfo', { hostname: host }));
      if (code !== 0) return reject(sysError(`getent on ${route.destination} failed (exit ${code}): ${err.trim().split('\n').pop() ?? ''}`, code === 255 ? 'ESSH' : 'EAI_FAIL', 'getaddrinfo'));
      const seen = new Set<string>();
      const found = out.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((a) => net.isIP(a) && !seen.has(a) && seen.add(a));
      resolve(found.map((address) => ({ address, family: net.isIP(address) })));
    });
  });
}

/** A connection the host opened to host:port, handed to `socket` as a local Unix socket once the host's connect
 *  succeeded; its failure is the error a local connect would have raised. */
function openThrough(route: SshRoute, socket: net.Socket, host: string, port: number, connect: (path: string) => void): void {
  const forward = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const child = spawn(route.ssh[0]!, [...route.ssh.slice(1), '-vv', '-W', forward, '--', route.destination], { stdio: ['pipe', 'pipe', 'pipe'], env: sshEnv() });
  let err = '';
  let settled = false;
  const dir = mkdtempSync(join(tmpdir(), 'runbook-via-ssh-'));
  const server = net.createServer({ pauseOnConnect: true });
  let cleaned = false;
  // Once: the listener must not outlive the connection (it would keep the probes' process alive).
  const cleanup = (): void => { if (cleaned) return; cleaned = true; server.close(); rmSync(dir, { recursive: true, force: true }); };
  const fail = (e: Error): void => { if (settled) return; settled = true; cleanup(); child.kill('SIGKILL'); socket.destroy(e); };
  // The probe gave up (its deadline) or the driver closed, whenever: the forward and the listener go with it.
  socket.once('close', () => { child.kill('SIGKILL'); settled = true; cleanup(); });
  child.on('error', (e) => fail(sysError(`cannot start ssh (${e.message})`, 'ESSH', 'connect')));
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    const failed = OPEN_FAILED.exec(err);
    if (failed) {
      const reason = failed[1]!.trim();
      const [, code, syscall] = ERRNO.find(([re]) => re.test(reason)) ?? [undefined, 'ESSHFORWARD', 'connect'];
      return fail(sysError(`${syscall} ${code} ${forward} (from ${route.destination}: ${reason})`, code, syscall, { address: host, port }));
    }
    if (!settled && CONFIRMED.test(err)) {
      settled = true;
      server.once('connection', (local: net.Socket) => {
        cleanup();
        local.pipe(child.stdin);
        child.stdout.pipe(local);
        local.resume();
        local.on('error', () => child.kill('SIGKILL'));
        child.stdout.on('close', () => local.end());
      });
      const path = join(dir, 's');
      server.listen(path, () => connect(path));
    }
  });
  // 'exit', not 'close' (see remoteLookup); what it printed last is read first.
  child.on('exit', (code) => setImmediate(() => {
    if (!settled) fail(sysError(`ssh to ${route.destination} failed (exit ${code}): ${lastLine(err)}`, 'ESSH', 'connect'));
  }));
}

/** The last line ssh printed that is not its own debugging. */
const lastLine = (text: string): string => text.split('\n').filter((l) => l.trim() && !/^debug\d:/.test(l)).pop()?.trim() ?? 'no message';

type ConnectFn = (this: net.Socket, ...args: unknown[]) => net.Socket;

/** From now on, this process's TCP connections and name lookups are the host's. */
export function routeThroughSsh(route: SshRoute): void {
  const original = net.Socket.prototype.connect as unknown as ConnectFn;
  const patched: ConnectFn = function (this: net.Socket, ...args: unknown[]) {
    // net.connect() hands its arguments over already normalized, as one array: [options, callback].
    const [first, second, third] = Array.isArray(args[0]) ? args[0] as unknown[] : args;
    const options = (typeof first === 'object' && first !== null ? first : typeof first === 'number' || /^\d+$/.test(String(first)) ? { port: Number(first), host: typeof second === 'string' ? second : undefined } : { path: first }) as { port?: number; host?: string; path?: string };
    // A Unix socket is a file on this machine; the probes refuse socket URLs over SSH before they get here.
    if (options.path !== undefined || options.port === undefined) return original.apply(this, args);
    const done = [second, third].find((a) => typeof a === 'function') as (() => void) | undefined;
    if (done) this.once('connect', done);
    openThrough(route, this, options.host ?? 'localhost', Number(options.port), (path) => original.call(this, { path }));
    return this;
  };
  net.Socket.prototype.connect = patched as unknown as typeof net.Socket.prototype.connect;
  const lookup = (host: string, opts: unknown) => remoteLookup(route, host).then((all) => {
    const o = (typeof opts === 'object' && opts !== null ? opts : { family: opts }) as { all?: boolean; family?: number | string };
    const family = o.family === 'IPv4' ? 4 : o.family === 'IPv6' ? 6 : Number(o.family ?? 0);
    const wanted = family ? all.filter((a) => a.family === family) : all;
    if (!wanted.length) throw sysError(`getaddrinfo ENOTFOUND ${host}`, 'ENOTFOUND', 'getaddrinfo', { hostname: host });
    return o.all ? wanted : wanted[0]!;
  });
  dns.promises.lookup = lookup as typeof dns.promises.lookup;
  // DNS itself (the probe's A/AAAA detail) is not asked from here: it would be this machine's answer.
  const notAsked = () => Promise.reject(sysError('not asked over SSH', 'NOT_ASKED', 'query'));
  dns.promises.Resolver.prototype.resolve4 = notAsked as typeof dns.promises.Resolver.prototype.resolve4;
  dns.promises.Resolver.prototype.resolve6 = notAsked as typeof dns.promises.Resolver.prototype.resolve6;
}
