// The team store the store figures measure against (issue #34): a lab PostgreSQL with a database `ops`
// owned by rb_owner and migrated, one login role per person (alice drives, bob approves), and two switch
// proxies in front of it, one refusing and one silent (accepts TCP, never answers): a store outage. The same
// shape as test/store/helpers.ts; loopback only.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
  as(who: Person): Promise<StoreClient>;
  refusing: SwitchProxy;
  silent: SwitchProxy;
  stop(): Promise<void>;
}

export async function startBenchStore(): Promise<BenchStore> {
  const server: LabServer = await startPostgres();
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
    return { url, as, refusing, silent, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A `runbook` CLI process in the background, its stdout and stderr kept; killed with its group by stop(). */
export interface CliProcess { child: ChildProcess; out(): string; err(): string; stop(): void }

export function startCli(args: string[], env: Record<string, string>, cwd: string, limitMs = 60_000): CliProcess {
  const child = spawn(NODE, [BIN, ...args], { cwd, env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => { out += b.toString('utf8'); });
  child.stderr!.on('data', (b: Buffer) => { err += b.toString('utf8'); });
  const stop = () => { clearTimeout(guard); try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
  const guard = setTimeout(stop, limitMs); // bounded: a bench run always ends by itself
  child.on('exit', () => clearTimeout(guard));
  return { child, out: () => out, err: () => err, stop };
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

/** Milliseconds of a line's `ts`. */
export const tsMs = (line: Record<string, unknown> | undefined): number => Date.parse(String(line?.ts));
