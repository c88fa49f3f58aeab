// The team store the store figures measure against (issue #34): a lab PostgreSQL with a database `ops`
// owned by rb_owner and migrated, one login role per person (alice drives, bob approves), and two switch
// proxies in front of it, one refusing and one silent (accepts TCP, never answers): a store outage. The same
// shape as test/store/helpers.ts; loopback only.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminSql } from '../../src/lab/admin-sql.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { startSwitchProxy, type SwitchProxy } from '../../src/lab/switch-proxy.js';
import { connectStore, type StoreClient } from '../../src/store/client.js';
import { migrateStore } from '../../src/store/migrate.js';
import { BIN, NODE, childEnv } from './context.js';

type Person = 'rb_owner' | 'alice' | 'bob';
const PASSWORD = 'bench-store-pw';

export interface BenchStore {
  url(who: Person, port?: number): string;
  /** The lab's superuser on the store's database (filling a big store past its triggers). */
  superUrl: string;
  as(who: Person): Promise<StoreClient>;
  refusing: SwitchProxy;
  silent: SwitchProxy;
  stop(): Promise<void>;
}

/** `maxConnections`: room for many followers at once (the big store's 50), each its own login. */
export async function startBenchStore(maxConnections?: number): Promise<BenchStore> {
  const server: LabServer = await startPostgres(maxConnections ? { maxConnections } : {});
  const stopAll: (() => Promise<void>)[] = [() => server.stop()];
  const stop = async () => { for (const f of stopAll.reverse()) await f().catch(() => undefined); };
  try {
    await adminSql(server, [
      ...(['rb_owner', 'alice', 'bob'] as const).map((p) => `CREATE ROLE ${p} LOGIN PASSWORD '${PASSWORD}'`),
      'CREATE DATABASE ops OWNER rb_owner',
      'GRANT pg_read_all_stats TO rb_owner', // the bench (not the product) looks at other sessions' queries
    ]);
    const url = (who: Person, port = server.port) => `postgres://${who}:${PASSWORD}@127.0.0.1:${port}/ops`;
    const as = (who: Person) => connectStore(url(who), { statementMs: 30_000 });
    const owner = await as('rb_owner');
    try { await migrateStore(owner); } finally { await owner.end(); }
    const target = { host: '127.0.0.1', port: server.port };
    const refusing = await startSwitchProxy(target, 'refuse'); // its port was listening once: a stopped server
    stopAll.push(() => refusing.close());
    const silent = await startSwitchProxy(target, 'silent');
    stopAll.push(() => silent.close());
    const superUrl = server.url({ user: server.superuser, password: server.superPassword, database: 'ops' });
    return { url, superUrl, as, refusing, silent, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A `runbook` CLI process in the background, its stdout and stderr kept; killed with its group by stop(). */
export interface CliProcess { child: ChildProcess; out(): string; err(): string; stop(): void; exit: Promise<number | null> }

export function startCli(args: string[], env: Record<string, string>, cwd: string, limitMs = 60_000, nodeArgs: string[] = []): CliProcess {
  const child = spawn(NODE, [...nodeArgs, BIN, ...args], { cwd, env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => { out += b.toString('utf8'); });
  child.stderr!.on('data', (b: Buffer) => { err += b.toString('utf8'); });
  const stop = () => { clearTimeout(guard); try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
  const guard = setTimeout(stop, limitMs); // bounded: a bench run always ends by itself
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => { clearTimeout(guard); resolve(code); }));
  return { child, out: () => out, err: () => err, stop, exit };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until check() gives a value (a bench, not a test: a poll every few ms costs nothing measured here). */
export async function until<T>(check: () => T | undefined | Promise<T | undefined>, what: string, limitMs = 30_000, everyMs = 10): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`no ${what} within ${limitMs} ms`);
    await pause(everyMs);
  }
}

/** A transcript's lines, parsed (a line being written is left out). */
export function transcriptLines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  const out: Record<string, unknown>[] = [];
  for (const l of readFileSync(file, 'utf8').split('\n')) {
    if (!l.startsWith('{')) continue;
    try { out.push(JSON.parse(l) as Record<string, unknown>); } catch { /* torn: still being written */ }
  }
  return out;
}

const CPU_AT_LINE = join(dirname(fileURLToPath(import.meta.url)), 'cpu-at-line.mjs');
let cpuFiles = 0;

/** Spawn until stdout matches `pattern`: wall ms, and the process's CPU ms when it wrote the match (cpu-at-line.mjs);
 *  then it is killed. */
export async function timeToLine(args: string[], env: Record<string, string>, cwd: string, pattern: RegExp): Promise<{ ms: number; cpuMs: number }> {
  const cpuFile = join(cwd, `cpu-at-line-${process.pid}-${cpuFiles++}`);
  const started = performance.now();
  const cli = startCli(args, { ...env, BENCH_CPU_AT_PATTERN: pattern.source, BENCH_CPU_AT_FILE: cpuFile }, cwd, 60_000, ['--import', CPU_AT_LINE]);
  try {
    await new Promise<void>((resolve, reject) => {
      cli.child.stdout!.on('data', () => { if (pattern.test(cli.out())) resolve(); });
      cli.child.on('exit', (code) => reject(new Error(`exited (${code}) before ${pattern}: ${cli.err().slice(-300)}`)));
    });
    const ms = performance.now() - started;
    return { ms, cpuMs: Number(readFileSync(cpuFile, 'utf8')) / 1000 };
  } finally {
    cli.stop();
  }
}

/** Milliseconds of a line's `ts`. */
export const tsMs = (line: Record<string, unknown> | undefined): number => Date.parse(String(line?.ts));
