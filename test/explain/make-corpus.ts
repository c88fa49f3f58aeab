// Regenerates test/explain/corpus.json: every client stack of clients.ts against real faults from the lab, and
// what each printed. The expected class and side come from the fault the lab injected, not from explain.
//   node --import tsx test/explain/make-corpus.ts                      (every client)
//   node --import tsx test/explain/make-corpus.ts --only='Go lib/pq,…'  (those clients again; the rest kept)
//   node --import tsx test/explain/make-corpus.ts --faults=cert-hostname (those faults again, for the chosen clients)
// A client the machine lacks is reported and left out (install: apt-get install python3-psycopg2 python3-psycopg
// python3-asyncpg python3-pymysql python3-mysqldb python3-sqlalchemy python3-django ruby-pg ruby-activerecord php-cli
// php-pgsql php-mysql libpostgresql-jdbc-java libmariadb-java libhikaricp-java default-jdk-headless postgresql-client
// mariadb-client golang-go golang-github-lib-pq-dev golang-github-go-sql-driver-mysql-dev).
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { injectFault, startMariadb, startPostgres, type FaultKind, type LabEngine } from '../../src/lab/index.js';
import { CLIENTS, POOL_CLIENTS, runClient } from './clients.js';
import type { CorpusEntry } from './corpus-entry.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CORPUS = join(import.meta.dirname, 'corpus.json');

/** --only=NAME,NAME and --faults=KIND,KIND: record those clients and faults again, and keep every other entry. */
const listArg = (flag: string) => process.argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1).split(',').map((s) => s.trim());
const only = listArg('--only');
const faults = listArg('--faults');
const chosen = (c: { name: string }) => !only || only.includes(c.name);
const faultChosen = (kind: string) => !faults || faults.includes(kind);
if (only) for (const name of only) if (![...CLIENTS, ...POOL_CLIENTS].some((c) => c.name === name)) throw new Error(`make-corpus: no client '${name}'`);

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

async function faultEntries(engine: LabEngine): Promise<CorpusEntry[]> {
  const out: CorpusEntry[] = [];
  for (const [kind, cls, side] of FAULTS[engine].filter(([kind]) => faultChosen(kind))) {
    const fault = await injectFault(kind, engine);
    try {
      for (const c of CLIENTS.filter(chosen).filter((c) => c.engine === (engine === 'postgres' ? 'postgres' : 'mysql'))) {
        if (!c.available()) { console.error(`make-corpus: ${c.name} is not installed here: left out`); continue; }
        const { output, failed } = runClient(c.argv(fault.url, ROOT));
        // The mariadb client negotiates TLS on its own: an account that requires it lets it in. Nothing to explain.
        if (!failed) { console.error(`make-corpus: ${c.name} met no error under ${kind}: left out`); continue; }
        out.push({ client: c.name, engine, fault: kind, expect: { class: cls, side }, port: new URL(fault.url).port, output });
      }
    } finally { await fault.cleanup(); }
  }
  return out;
}

async function poolEntries(): Promise<CorpusEntry[]> {
  const out: CorpusEntry[] = [];
  if (!faultChosen('app-pool-exhausted')) return out;
  for (const engine of ['postgres', 'mariadb'] as const) {
    const server = engine === 'postgres' ? await startPostgres() : await startMariadb();
    try {
      for (const c of POOL_CLIENTS.filter(chosen).filter((c) => c.engine === (engine === 'postgres' ? 'postgres' : 'mysql'))) {
        if (!c.available()) { console.error(`make-corpus: ${c.name} is not installed here: left out`); continue; }
        out.push({ client: c.name, engine, fault: 'app-pool-exhausted', expect: { class: 'app-pool-timeout', side: 'application pool' }, port: String(server.port), output: runClient(c.argv(server.url(), ROOT)).output });
      }
    } finally { await server.stop(); }
  }
  return out;
}

const kept = only || faults ? (JSON.parse(readFileSync(CORPUS, 'utf8')) as { entries: CorpusEntry[] }).entries.filter((e) => !(chosen({ name: e.client }) && faultChosen(e.fault))) : [];
const entries = [...kept, ...await faultEntries('postgres'), ...await faultEntries('mariadb'), ...await poolEntries()];
writeFileSync(CORPUS, `${JSON.stringify({ generatedBy: 'node --import tsx test/explain/make-corpus.ts', entries }, null, 1)}\n`);
console.log(`make-corpus: ${entries.length} entries`);
