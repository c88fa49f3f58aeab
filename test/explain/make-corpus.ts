// Regenerates test/explain/corpus.json: every client stack of clients.ts against real faults from the lab, and
// what each printed. The expected class and side come from the fault the lab injected, not from explain.
//   node --import tsx test/explain/make-corpus.ts                      (every client)
//   node --import tsx test/explain/make-corpus.ts --only='Go lib/pq,…'  (those clients again; the rest kept)
//   node --import tsx test/explain/make-corpus.ts --faults=cert-hostname (those faults again, for the chosen clients)
// A client the machine lacks is reported and left out (install: apt-get install python3-psycopg2 python3-psycopg
// python3-asyncpg python3-pymysql python3-mysqldb python3-sqlalchemy python3-django ruby-pg ruby-activerecord php-cli
// php-pgsql php-mysql libpostgresql-jdbc-java libmariadb-java libhikaricp-java default-jdk-headless postgresql-client
// mariadb-client golang-go golang-github-lib-pq-dev golang-github-go-sql-driver-mysql-dev).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { join, resolve } from 'node:path';
import { injectFault, injectPoolerFault, startMariadb, startPostgres, type FaultKind, type LabEngine, type LabServer, type PoolerFaultKind } from '../../src/lab/index.js';
import { CLIENTS, POOL_CLIENTS, runClient, SLEEP_CLIENTS, SLEEP_SQL, type Client } from './clients.js';
import type { CorpusEntry } from './corpus-entry.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CORPUS = join(import.meta.dirname, 'corpus.json');

/** --only=NAME,NAME and --faults=KIND,KIND: record those clients and faults again, and keep every other entry. */
const listArg = (flag: string) => process.argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1).split(',').map((s) => s.trim());
const only = listArg('--only');
const faults = listArg('--faults');
const chosen = (c: { name: string }) => !only || only.includes(c.name);
const faultChosen = (kind: string) => !faults || faults.includes(kind);
if (only) for (const name of only) if (![...CLIENTS, ...POOL_CLIENTS, ...SLEEP_CLIENTS].some((c) => c.name === name)) throw new Error(`make-corpus: no client '${name}'`);

/** Each fault, and what explain must call it: the class and the side the error comes from. MariaDB answers an
 *  account that REQUIRE SSL without TLS with the same 1045 "Access denied" as a wrong password, so its text can
 *  only say auth (the auth runbook checks the account's TLS requirement). A missing database is 1044 there.
 *  The TLS faults reach the clients that take the URL's TLS settings (a client built from the URL's parts
 *  connects in plain text, meets no error and is left out). */
const TLS_FAULTS: [FaultKind, string, string][] = [['ssl-unsupported', 'ssl-unsupported', 'tls'], ['cert-untrusted', 'cert-untrusted', 'tls'], ['cert-hostname', 'cert-hostname', 'tls']];
const FAULTS: Record<LabEngine, [FaultKind, string, string][]> = {
  postgres: [['refused', 'refused', 'network'], ['timeout', 'timeout', 'network'], ['auth', 'auth', 'server'],
    ['database-missing', 'database-missing', 'server'], ['too-many-connections', 'too-many-connections', 'server'], ['ssl-required', 'ssl-required', 'server'],
    ...TLS_FAULTS, ['database-limit', 'too-many-connections', 'server'], ['server-starting', 'server-starting', 'server']],
  mariadb: [['refused', 'refused', 'network'], ['timeout', 'timeout', 'network'], ['auth', 'auth', 'server'],
    ['database-missing', 'database-missing', 'server'], ['too-many-connections', 'too-many-connections', 'server'], ['ssl-required', 'auth', 'server'],
    ...TLS_FAULTS],
};

/** The chosen clients of `list` that speak to `engine` and are installed here (the others said, and left out). */
function clientsFor(list: Client[], engine: LabEngine): Client[] {
  return list.filter(chosen).filter((c) => c.engine === (engine === 'postgres' ? 'postgres' : 'mysql')).filter((c) => {
    const here = c.available(); // a program run: asked once
    if (!here) console.error(`make-corpus: ${c.name} is not installed here: left out`);
    return here;
  });
}

async function faultEntries(engine: LabEngine): Promise<CorpusEntry[]> {
  const out: CorpusEntry[] = [];
  for (const [kind, cls, side] of FAULTS[engine].filter(([kind]) => faultChosen(kind))) {
    const fault = await injectFault(kind, engine);
    try {
      for (const c of clientsFor(CLIENTS, engine)) {
        const { output, failed } = runClient(c.argv(fault.url, ROOT));
        // The mariadb client negotiates TLS on its own: an account that requires it lets it in. Nothing to explain.
        if (!failed) { console.error(`make-corpus: ${c.name} met no error under ${kind}: left out`); continue; }
        out.push({ client: c.name, engine, fault: kind, expect: { class: cls, side }, port: new URL(fault.url).port, output });
      }
    } finally { await fault.cleanup(); }
  }
  return out;
}

/** PgBouncer's own refusals, a real PgBouncer in front of a healthy PostgreSQL: what explain must call them, all
 *  from the pooler. (A queue that outlasts the client's own timeout reads as the client's timeout: left out.) */
const POOLER_FAULTS: [PoolerFaultKind, string][] = [['pooler-client-limit', 'pooler-client-limit'], ['pooler-wait-timeout', 'pooler-wait-timeout'],
  ['pooler-auth', 'pooler-auth'], ['pooler-backend-down', 'pooler-backend-down']];

/** Where a client's words cannot carry what PgBouncer did: what they do carry, decided by how the client is set up,
 *  never by its text. undefined: the pooler's own class. null: nothing to expect (left out, with the reason). */
function carried(kind: PoolerFaultKind, client: string): { class: string; side: string } | null | undefined {
  // PgBouncer holds a login while its server is down until client_login_timeout (3 s in the lab); a client whose
  // own connect timeout (2 s here) ends first reports only that timeout (diagnose tells them apart through the
  // pooler's console). PDO sets libpq's connect_timeout from its own ATTR_TIMEOUT (30 s), over the DSN's: it waits.
  if (kind === 'pooler-backend-down' && client !== 'PHP PDO pgsql') return { class: 'timeout', side: 'network' };
  if (kind === 'pooler-wait-timeout') {
    // psycopg2 under SQLAlchemy and Django meets the FATAL in the query they run at connect (SQLAlchemy's hstore
    // lookup, Django's first query); libpq then reports only the closed connection.
    if (client === 'SQLAlchemy over psycopg2' || client === 'Django (PostgreSQL)') return { class: 'connection-lost', side: 'network' };
    // Go's database/sql retries a bad connection and prints only "driver: bad connection": nothing to recognise.
    if (client === 'Go lib/pq') return null;
  }
  return undefined;
}

async function poolerEntries(): Promise<CorpusEntry[]> {
  const out: CorpusEntry[] = [];
  const kinds = POOLER_FAULTS.filter(([kind]) => faultChosen(kind));
  if (!kinds.length) return out;
  const backend = await startPostgres();
  try {
    for (const [kind, cls] of kinds) {
      const fault = await injectPoolerFault(kind, backend);
      try {
        for (const c of clientsFor(CLIENTS, 'postgres')) {
          const { output, failed } = runClient(c.argv(fault.url, ROOT));
          if (!failed) { console.error(`make-corpus: ${c.name} met no error under ${kind}: left out`); continue; }
          const expect = carried(kind, c.name);
          if (expect === null) { console.error(`make-corpus: ${c.name}'s words carry nothing of ${kind}: left out`); continue; }
          out.push({ client: c.name, engine: 'postgres', fault: kind, expect: expect ?? { class: cls, side: 'pooler' }, port: new URL(fault.url).port, output });
        }
      } finally { await fault.cleanup(); }
    }
  } finally { await backend.stop(); }
  return out;
}

/** Ends the session that runs the sleep, as an administrator would, once the server shows it running. */
async function killSleeper(engine: LabEngine, adminUrl: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  if (engine === 'postgres') {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      while (Date.now() < deadline) {
        const r = await admin.query("SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()", [SLEEP_SQL.postgres]);
        if (r.rows.some((row: { done: boolean }) => row.done)) return;
        await new Promise((res) => setTimeout(res, 100));
      }
    } finally { await admin.end(); }
    throw new Error('make-corpus: no session ran the sleep');
  }
  const admin = await mysql.createConnection(adminUrl);
  try {
    while (Date.now() < deadline) {
      const [rows] = await admin.query('SELECT id FROM information_schema.processlist WHERE info = ? AND id <> CONNECTION_ID()', [SLEEP_SQL.mysql]);
      const ids = (rows as { id: number }[]).map((r) => r.id);
      for (const id of ids) await admin.query(`KILL CONNECTION ${Number(id)}`);
      if (ids.length) return;
      await new Promise((res) => setTimeout(res, 100));
    }
  } finally { await admin.end(); }
  throw new Error('make-corpus: no session ran the sleep');
}

/** What a killed session's client can say: PostgreSQL sends 57P01 before it closes, which every PostgreSQL stack
 *  here shows but psycopg2 (it reports libpq's closed connection only); MariaDB's KILL CONNECTION closes without a
 *  packet the clients show: each reports the lost connection. Decided by engine and client, never by the text. */
function killedCarries(engine: LabEngine, client: string): { class: string; side: string } {
  return engine === 'postgres' && client !== 'psycopg2' ? { class: 'connection-lost', side: 'server' } : { class: 'connection-lost', side: 'network' };
}

/** A session ended under a running query (an administrator's terminate, a failover's cut): the server says so
 *  where its protocol can (PostgreSQL's 57P01 "terminating connection due to administrator command", MariaDB's
 *  1927 "Connection was killed"), and the client reports the connection lost. */
async function killedEntries(): Promise<CorpusEntry[]> {
  return onEachEngine('session-killed', async (engine, server) => {
    const out: CorpusEntry[] = [];
    for (const c of clientsFor(SLEEP_CLIENTS, engine)) {
      const argv = c.argv(server.url(), ROOT);
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
      let output = '';
      child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
      const exited = new Promise<number | null>((res) => child.on('close', res));
      await killSleeper(engine, server.adminUrl());
      const code = await exited;
      if (code === 0) { console.error(`make-corpus: ${c.name} met no error when its session was killed: left out`); continue; }
      out.push({ client: c.name, engine, fault: 'session-killed', expect: killedCarries(engine, c.name), port: String(server.port), output: output.trim() });
    }
    return out;
  });
}

async function poolEntries(): Promise<CorpusEntry[]> {
  return onEachEngine('app-pool-exhausted', async (engine, server) => clientsFor(POOL_CLIENTS, engine).map((c) => ({
    client: c.name, engine, fault: 'app-pool-exhausted', expect: { class: 'app-pool-timeout', side: 'application pool' }, port: String(server.port),
    output: runClient(c.argv(server.url(), ROOT)).output,
  })));
}

/** A fault's entries from each engine's lab server, started for it alone (when the fault is chosen). */
async function onEachEngine(fault: string, entries: (engine: LabEngine, server: LabServer) => Promise<CorpusEntry[]>): Promise<CorpusEntry[]> {
  const out: CorpusEntry[] = [];
  if (!faultChosen(fault)) return out;
  for (const engine of ['postgres', 'mariadb'] as const) {
    const server = engine === 'postgres' ? await startPostgres() : await startMariadb();
    try { out.push(...await entries(engine, server)); } finally { await server.stop(); }
  }
  return out;
}

const kept = only || faults ? (JSON.parse(readFileSync(CORPUS, 'utf8')) as { entries: CorpusEntry[] }).entries.filter((e) => !(chosen({ name: e.client }) && faultChosen(e.fault))) : [];
const entries = [...kept, ...await faultEntries('postgres'), ...await faultEntries('mariadb'), ...await poolerEntries(), ...await killedEntries(), ...await poolEntries()];
writeFileSync(CORPUS, `${JSON.stringify({ generatedBy: 'node --import tsx test/explain/make-corpus.ts', entries }, null, 1)}\n`);
console.log(`make-corpus: ${entries.length} entries`);
