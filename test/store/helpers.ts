// A lab PostgreSQL with a second database `ops` as the team store, owned by `rb_owner`, and one login role per
// person: alice drives, bob approves, carol is a third teammate. Each connects as herself or himself.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, cli } from '../helpers/cli.js';
import { until } from '../helpers/poll.js';
import { CLI_KILL_MS } from '../helpers/limits.js';
import { adminSql } from '../../src/lab/admin-sql.js';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { startSwitchProxy, type ProxyMode, type SwitchProxy } from '../../src/lab/switch-proxy.js';
import { connectStore, type StoreClient } from '../../src/store/client.js';
import { migrateStore } from '../../src/store/migrate.js';

export const PEOPLE = ['rb_owner', 'alice', 'bob', 'carol'] as const;
export type Person = (typeof PEOPLE)[number];
const PASSWORD = 'store-pw-1';

export interface StoreLab { server: LabServer; url(who: Person, port?: number): string; as(who: Person): Promise<StoreClient>; stop(): Promise<void> }

/** The store's server allows PostgreSQL's default 100 connections, as a team's would: the lab's 20 (sized for
 *  the faults) was reached by twenty simultaneous takeovers, each a connection or two (53300 for one taker). */
export async function startStoreLab(opts: { migrate?: boolean } = {}): Promise<StoreLab> {
  const server = await startPostgres({ maxConnections: 100 });
  await adminSql(server, [
    ...PEOPLE.map((p) => `CREATE ROLE ${p} LOGIN PASSWORD '${PASSWORD}'`),
    'CREATE DATABASE ops OWNER rb_owner',
  ]);
  const url = (who: Person, port = server.port) => `postgres://${who}:${PASSWORD}@127.0.0.1:${port}/ops`;
  // The tests' own connections wait as long as they must (a hang guard), unlike the product's 500 ms.
  const as = (who: Person) => connectStore(url(who), { connectMs: 30_000, statementMs: 30_000 });
  const lab: StoreLab = { server, url, as, stop: () => server.stop() };
  if (opts.migrate !== false) {
    const owner = await lab.as('rb_owner');
    try { await migrateStore(owner); } finally { await owner.end(); }
  }
  return lab;
}

/** The store lab with a switch proxy in front of it (forward, refuse, silent: an outage the test controls);
 *  stop() closes the proxy, then the lab. */
export interface ProxiedStoreLab extends StoreLab { proxy: SwitchProxy }

export async function startStoreLabWithProxy(initial: ProxyMode = 'forward'): Promise<ProxiedStoreLab> {
  const lab = await startStoreLab();
  let proxy: SwitchProxy;
  try {
    proxy = await startSwitchProxy({ host: '127.0.0.1', port: lab.server.port }, initial);
  } catch (e) {
    await lab.stop();
    throw e;
  }
  return { ...lab, proxy, stop: async () => { await proxy.close(); await lab.stop(); } };
}

/** The error a promise rejects with (pg errors carry a code). */
export async function rejection(p: Promise<unknown>): Promise<{ message: string; code?: string }> {
  try { await p; } catch (e) { return e as { message: string; code?: string }; }
  throw new Error('expected a rejection');
}

/** A CLI process running in the background, as a person at another terminal would start it. */
export interface Driver { child: ChildProcess; out(): string; err(): string; exit: Promise<number | null> }

export function startCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Driver {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const kill = setTimeout(() => child.kill('SIGKILL'), CLI_KILL_MS).unref();
  void exit.then(() => clearTimeout(kill));
  return { child, out: () => out, err: () => err, exit };
}

/** A scratch directory that is also the CLI's HOME (its per-user run state): one "machine" each. */
export function scratch(t: TestContext, name = 'runbook-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), name));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const machineEnv = (home: string): NodeJS.ProcessEnv => ({ HOME: home, XDG_STATE_HOME: join(home, 'state') });

/** The transcript's lines, as text. */
export const fileLines = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.startsWith('{')) : []);

export const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'team.yaml');

/** A finished run's transcript made whole in the store. On a loaded machine the driver's uploads may miss their
 *  500 ms budget (the run goes on, its lines kept in the transcript: the budget protects the operator); `runbook
 *  store push` uploads what the store lacks, as an operator would after it. A test that reads the run from the
 *  store needs it whole. */
export function pushWhole(file: string, env: NodeJS.ProcessEnv): void {
  const pushed = cli(['store', 'push', file], { env });
  assert.equal(pushed.code, 0, pushed.stderr);
}

/** Whether the table exists, asked of a lab server (PostgreSQL or MariaDB) as its application: whether a
 *  destructive statement of a test ran. */
export async function tableExists(server: LabServer, table: string): Promise<boolean> {
  // The question, not the product: a connection the loaded machine's server dropped in its handshake (MariaDB's
  // 10 s connect_timeout at load average 11 on 2 cores: ECONNRESET) is asked again.
  for (let attempt = 1; ; attempt++) {
    try { return await askTableExists(server, table); } catch (e) {
      if (attempt === 3 || !['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'PROTOCOL_CONNECTION_LOST'].includes(String((e as { code?: unknown }).code))) throw e;
    }
  }
}

async function askTableExists(server: LabServer, table: string): Promise<boolean> {
  if (server.engine === 'postgres') {
    const c = new pg.Client({ connectionString: server.url() });
    await c.connect();
    try { return (await c.query('SELECT to_regclass($1) AS t', [table])).rows[0].t !== null; } finally { await c.end(); }
  }
  const c = await mysql.createConnection(server.url());
  try { const [rows] = await c.query('SHOW TABLES LIKE ?', [table]); return (rows as unknown[]).length > 0; } finally { await c.end(); }
}

/** The steps of FIXTURE that started in `dir`, in order. */
export const fixtureSteps = (dir: string): string[] => (existsSync(join(dir, 'steps')) ? readFileSync(join(dir, 'steps'), 'utf8').trim().split('\n') : []);

const HOLD_GUARD = 120_000;

/** Starts `fixture` (FIXTURE, or one with the same hold step) in a fresh directory (its home too) with `env` and `extra` flags, and waits until the run's lines
 *  to its hold step are in the store: its row alone comes first, before any line, and a resume by id of a run
 *  with no lines in the store finds no header. The driver is killed when the test ends. */
export async function driveToHold(t: TestContext, lab: StoreLab, env: (home: string) => NodeJS.ProcessEnv, extra: string[] = [], fixture = FIXTURE): Promise<{ dir: string; file: string; runId: string; driver: Driver }> {
  const dir = scratch(t);
  const file = join(dir, 't.jsonl');
  const driver = startCli(['run', fixture, '--plain', '-i', `dir=${dir}`, '--transcript', file, ...extra], env(dir), dir);
  t.after(() => { driver.child.kill('SIGCONT'); driver.child.kill('SIGKILL'); });
  await until(() => fixtureSteps(dir).includes('hold'), HOLD_GUARD, 'the hold step to start');
  const runId = (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId;
  const c = await lab.as('rb_owner');
  try {
    await until(async () => (await c.query(`SELECT 1 FROM runbook.events WHERE run_id = $1 AND event->>'type' = 'step-started' AND event->>'stepId' = 'hold'`, [runId])).length > 0, HOLD_GUARD, 'the run, to its hold step, in the store');
  } finally { await c.end(); }
  return { dir, file, runId, driver };
}
