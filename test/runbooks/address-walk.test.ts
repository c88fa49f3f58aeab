// A name with two addresses, the first one silent (SYNs dropped), the second a relay to the real server (a probe of
// stop 73). libpq and the MariaDB client try the addresses in getaddrinfo's order, one at a time, each for their
// connect timeout (none set: until the kernel gives up, 2 min 16 s for psql here); Node's net races them. The
// refused runbook ended resolved and the timeout runbook went on to its "flaky" question while psql could not
// connect. Now the tcp and db-connect checks walk the addresses as the client does: both runbooks stop at the
// silent address. A first address that REFUSES costs the client nothing (it moves on at once): still resolved; so
// is a silent first address under a connect_timeout the client waits out. psql and the mariadb client are the
// oracle for each case. The name lives in a private /etc/hosts (a mount namespace), so the test needs root.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { holdClosedPort, startDroppingListener, startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { findTool } from '../../src/lab/binaries.js';
import { withPrivateFiles, type PrivateFiles } from '../../src/lab/private-files.js';
import { BIN } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { readEvents, type TranscriptEvent } from './helpers.js';
import { plainRelay } from '../helpers/plain-relay.js';
import { privateHosts } from '../helpers/private-hosts.js';

const ROOT_ONLY = process.getuid?.() !== 0 && 'needs root: a mount namespace for a private /etc/hosts';
const NAME = 'two-addresses.test';
// glibc sorts a name's IPv4 addresses by the longest prefix shared with the source (RFC 6724 rule 9): from
// 127.0.0.1, 127.0.0.1 comes first and 127.0.0.3 second, whatever order the hosts file gives.
const FIRST = '127.0.0.1';
const SECOND = '127.0.0.3';
/** How long the oracle clients get: far past a working login, far short of the kernel's 2 min of SYN retries. */
const ORACLE_MS = 12_000;


/** `cmd args` inside the namespace with the private hosts file; stdin closed, killed after `ms`. */
function inNamespace(files: PrivateFiles, cmd: string, args: string[], ms: number, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; ms: number }> {
  const [c, a] = withPrivateFiles(cmd, args, files);
  const started = Date.now();
  const child = spawn(c, a, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  child.stdin.end();
  let out = '';
  for (const s of [child.stdout, child.stderr]) s.on('data', (d: Buffer) => { out += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve) => child.on('close', (code) => { clearTimeout(timer); resolve({ code, out, ms: Date.now() - started }); }));
}

/** psql or the mariadb client: does a login with the URL's host and port print 1 within ORACLE_MS? */
async function oracle(files: PrivateFiles, server: LabServer, port: number, connectTimeoutS?: number): Promise<{ connected: boolean; ms: number; out: string }> {
  const r = server.engine === 'postgres'
    ? await inNamespace(files, findTool('psql')!, ['-XAtc', 'SELECT 1', `postgresql://${server.appUser}@${NAME}:${port}/${server.database}?sslmode=disable`],
      ORACLE_MS, { PGPASSWORD: server.appPassword, ...(connectTimeoutS ? { PGCONNECT_TIMEOUT: String(connectTimeoutS) } : {}) })
    : await inNamespace(files, findTool('mariadb')!, ['--protocol=TCP', '-h', NAME, '-P', String(port), '-u', server.appUser, '-D', server.database,
      ...(connectTimeoutS ? [`--connect-timeout=${connectTimeoutS}`] : []), '-BNe', 'SELECT 1'], ORACLE_MS, { MYSQL_PWD: server.appPassword });
  return { connected: r.code === 0 && r.out.trim() === '1', ms: r.ms, out: r.out };
}

interface Run { outcome?: string; end?: string; path: string[]; events: TranscriptEvent[]; out: string }

async function runbook(files: PrivateFiles, dir: string, name: string, url: string): Promise<Run> {
  const transcript = join(dir, `${name}-${Date.now()}.jsonl`);
  const r = await inNamespace(files, process.execPath, [BIN, 'run', name, '--plain', '--transcript', transcript, '-i', `url=${url}`], 120_000);
  const events = readEvents(transcript);
  const end = events.find((e) => e.type === 'run-finished') as { outcome?: string; stepId?: string } | undefined;
  return { outcome: end?.outcome, end: end?.stepId, path: events.filter((e) => e.type === 'step-started').map((e) => String(e.stepId)), events, out: r.out };
}

const finished = (run: Run, step: string) => run.events.find((e) => e.type === 'step-finished' && e.stepId === step) as
  { result?: { classification?: string; error?: string; details?: Record<string, unknown> } } | undefined;

for (const engine of ['postgres', 'mariadb'] as const) {
  describe(`${engine}: a name whose addresses the client walks in order`, { skip: ROOT_ONLY, timeout: E2E_TEST_LIMIT_MS }, () => {
    let server: LabServer;
    const closers: (() => unknown)[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'runbook-address-walk-'));
    const files = privateHosts(dir, `127.0.0.1 localhost\n${SECOND} ${NAME}\n${FIRST} ${NAME}\n`);
    /** The URL at NAME:port, where FIRST:port is `first` and SECOND:port relays to the server. */
    const at = async (first: 'silent' | 'refusing'): Promise<{ url: (query?: string) => string; port: number }> => {
      const held = first === 'silent' ? await startDroppingListener({ host: FIRST }) : await holdClosedPort(FIRST);
      closers.push(() => held.close());
      const live = await plainRelay(SECOND, held.port, server.port);
      closers.push(() => live.close());
      const base = server.url().replace(`@127.0.0.1:${server.port}/`, `@${NAME}:${held.port}/`);
      return { port: held.port, url: (query) => (query ? `${base}${base.includes('?') ? '&' : '?'}${query}` : base) };
    };
    before(async () => { server = engine === 'postgres' ? await startPostgres() : await startMariadb(); });
    after(async () => { for (const close of closers.reverse()) await close(); await server?.stop(); rmSync(dir, { recursive: true, force: true }); });

    it('a silent first address: the client does not connect, and neither runbook ends resolved; the walk names the address', async () => {
      const { url, port } = await at('silent');
      const [told, refused, timeout] = await Promise.all([oracle(files, server, port), runbook(files, dir, 'refused', url()), runbook(files, dir, 'timeout', url())]);
      assert.equal(told.connected, false, `the client connected: ${told.out}`);
      assert.deepEqual([refused.outcome, refused.end, refused.path], ['escalate', 'not-refused', ['resolve', 'runtime', 'listening']], refused.out);
      assert.equal(finished(refused, 'listening')?.result?.classification, 'timeout');
      assert.match(String(finished(refused, 'listening')?.result?.error), new RegExp(`^${FIRST.replaceAll('.', '\\.')}:${port} \\(address 1 of 2 of ${NAME.replaceAll('.', '\\.')}.*until the kernel gives up.*before trying ${SECOND.replaceAll('.', '\\.')}:${port}`));
      assert.deepEqual((finished(refused, 'listening')?.result?.details?.addressWalk as { address: string; ok: boolean }[]).map((t) => [t.address, t.ok]), [[FIRST, false]]);
      // The timeout runbook's tcp check fails there too: the route and the firewall question, never the load and "flaky".
      assert.deepEqual(timeout.path.slice(0, 4), ['resolve', 'tcp', 'route', 'firewall'], timeout.out);
      assert.ok(!timeout.path.includes('handshake') && !timeout.path.includes('flaky'), timeout.path.join(','));
      assert.equal(finished(timeout, 'tcp')?.result?.classification, 'timeout');
      const asked = timeout.events.find((e) => e.type === 'question-asked') as { question?: { action?: { instructions?: string } } } | undefined;
      assert.match(String(asked?.question?.action?.instructions), /several addresses, tried one at a time/);
    });

    it('a silent first address under a 2 s connect timeout: the client waits it out and connects; resolved, the wait counted', async () => {
      const { url, port } = await at('silent');
      const query = engine === 'postgres' ? 'connect_timeout=2' : 'connectTimeout=2000';
      const [told, refused] = await Promise.all([oracle(files, server, port, 2), runbook(files, dir, 'refused', url(query))]);
      assert.equal(told.connected, true, `the client did not connect: ${told.out}`);
      assert.ok(told.ms >= 2000, `the client waited ${told.ms} ms on the silent address first`);
      assert.deepEqual([refused.outcome, refused.end], ['resolved', 'resolved'], refused.out);
      const walk = finished(refused, 'verify')?.result?.details?.addressWalk as { address: string; ok: boolean; classification?: string }[];
      assert.deepEqual(walk.map((t) => [t.address, t.ok, t.classification]), [[FIRST, false, 'timeout'], [SECOND, true, undefined]]);
      assert.ok(Number(finished(refused, 'verify')?.result?.details?.connectMs) >= 2000);
    });

    it('a refusing first address: the client moves on at once, and the refused runbook ends resolved', async () => {
      const { url, port } = await at('refusing');
      const [told, refused] = await Promise.all([oracle(files, server, port), runbook(files, dir, 'refused', url())]);
      assert.equal(told.connected, true, `the client did not connect: ${told.out}`);
      assert.deepEqual([refused.outcome, refused.end], ['resolved', 'resolved'], refused.out);
      const walk = finished(refused, 'listening')?.result?.details?.addressWalk as { address: string; ok: boolean; classification?: string }[];
      assert.deepEqual(walk.map((t) => [t.address, t.ok, t.classification]), [[FIRST, false, 'refused'], [SECOND, true, undefined]]);
    });
  });
}

// The login goes to the address the walk reached, and TLS still verifies the URL's host name: `localhost` here has
// two addresses, the silent 127.0.0.1 first and 127.0.0.3 (a relay) second; the certificate names localhost and
// 127.0.0.1, never 127.0.0.3, so a check against the address reached would fail.
for (const engine of ['postgres', 'mariadb'] as const) {
  describe(`${engine}: the login at the address reached verifies the host name`, { skip: ROOT_ONLY, timeout: E2E_TEST_LIMIT_MS }, () => {
    let server: LabServer;
    const closers: (() => unknown)[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'runbook-address-walk-tls-'));
    const files = privateHosts(dir, `${SECOND} localhost\n${FIRST} localhost\n`);
    before(async () => { server = engine === 'postgres' ? await startPostgres({ tls: 'on' }) : await startMariadb({ tls: 'on' }); });
    after(async () => { for (const close of closers.reverse()) await close(); await server?.stop(); rmSync(dir, { recursive: true, force: true }); });

    it('verify-full through the second address under a 2 s connect timeout: resolved over TLS', async () => {
      const held = await startDroppingListener({ host: FIRST });
      closers.push(() => held.close());
      const live = await plainRelay(SECOND, held.port, server.port);
      closers.push(() => live.close());
      const params: Record<string, string> = engine === 'postgres' ? { sslmode: 'verify-full', sslrootcert: server.caFile!, connect_timeout: '2' }
        : { 'ssl-mode': 'VERIFY_IDENTITY', 'ssl-ca': server.caFile!, connectTimeout: '2000' };
      const url = server.url({ params }).replace(`@127.0.0.1:${server.port}/`, `@localhost:${held.port}/`);
      const run = await runbook(files, dir, 'refused', url);
      assert.deepEqual([run.outcome, run.end], ['resolved', 'resolved'], run.out);
      const verify = finished(run, 'verify')?.result?.details;
      assert.deepEqual([verify?.tls, (verify?.addressWalk as { address: string; ok: boolean }[]).map((t) => [t.address, t.ok])], [true, [[FIRST, false], [SECOND, true]]]);
    });
  });
}
