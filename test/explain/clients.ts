// The real client stacks the explain corpus is made with: each connects to a URL the way an application would,
// and what it prints (stderr and stdout, as the operator would see them in its log) is the corpus entry. Each is
// a program run as a child process, never a text typed here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Client {
  name: string;
  engine: 'postgres' | 'mysql';
  /** The program and its arguments for `url`; `pool`: exhaust the application's own pool instead of connecting once. */
  argv(url: string, root: string): string[];
  /** Whether the machine has it (a Python module, a program). */
  available(): boolean;
}

const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const pyHas = (mod: string) => () => ok('/usr/bin/python3', ['-c', `import ${mod}`]);
const nodeScript = (root: string, body: string) => [process.execPath, '--input-type=module', '-e', `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(join(root, 'package.json'))}); ${body}`];

function mysqlParts(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: u.port || '3306', user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) };
}

/** host, port and database of a URL, for the stacks that take them apart (PDO's DSN, JDBC's URL). */
function parts(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: u.port, user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) };
}

const JAVA_SOURCE = join(import.meta.dirname, 'fixtures', 'Connect.java');
const jar = (name: string) => `/usr/share/java/${name}.jar`;
const javaClient = (driverJar: string, scheme: string, timeout: string) => (url: string) => {
  const p = parts(url);
  return ['java', '-cp', jar(driverJar), JAVA_SOURCE, `jdbc:${scheme}://${p.host}:${p.port}/${p.database}?${timeout}`, p.user, p.password];
};
const withParam = (url: string, param: string) => `${url}${url.includes('?') ? '&' : '?'}${param}`;

const PY_MYSQL = (mod: string, call: string) => (url: string) => {
  const p = mysqlParts(url);
  return ['/usr/bin/python3', '-c', `import ${mod}\n${call}(host=${JSON.stringify(p.host)}, port=${p.port}, user=${JSON.stringify(p.user)}, password=${JSON.stringify(p.password)}, database=${JSON.stringify(p.database)}, connect_timeout=2, read_timeout=2)`];
};

/** Django with its own settings only (no project): the first query opens the connection, as a view's would. */
const django = (engine: 'postgresql' | 'mysql') => (url: string) => {
  const p = parts(url);
  const db = { ENGINE: `django.db.backends.${engine}`, HOST: p.host, PORT: p.port, NAME: p.database, USER: p.user, PASSWORD: p.password, OPTIONS: { connect_timeout: 2 } };
  return ['/usr/bin/python3', '-c', `import django\nfrom django.conf import settings\nsettings.configure(DATABASES={'default': ${JSON.stringify(db)}})\ndjango.setup()\nfrom django.db import connection\nconnection.cursor().execute('SELECT 1')`];
};

/** ActiveRecord on its PostgreSQL adapter, the connection opened as a model's first query would. */
const activeRecord = (extra: string, body: string) => (url: string) => {
  const p = parts(url);
  return ['ruby', '-e', `require "active_record"; ActiveRecord::Base.establish_connection(adapter: "postgresql", host: ARGV[0], port: ARGV[1].to_i, database: ARGV[2], username: ARGV[3], password: ARGV[4], connect_timeout: 2${extra}); ${body}`,
    p.host, p.port, p.database, p.user, p.password];
};
const hasActiveRecord = () => ok('ruby', ['-e', 'require "active_record"; require "pg"']);

/** Go with Debian's drivers (golang-github-lib-pq-dev, golang-github-go-sql-driver-mysql-dev), in GOPATH mode:
 *  the machine has no module proxy to reach. Each program is built once and run as a service's binary would be
 *  (`go run` would add its own "exit status 1" to what the service printed). */
const GO_ENV = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: join(tmpdir(), 'runbook-corpus-gocache') };
const goBuilt = new Map<string, string>();
function goBinary(name: 'connect' | 'pool'): string {
  let bin = goBuilt.get(name);
  if (!bin) {
    bin = join(mkdtempSync(join(tmpdir(), 'runbook-corpus-go-')), name);
    const r = spawnSync('go', ['build', '-o', bin, join(import.meta.dirname, 'fixtures', 'go', `${name}.go`)], { env: GO_ENV, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`go build ${name}.go: ${r.stderr}`);
    goBuilt.set(name, bin);
  }
  return bin;
}
const hasGo = () => ok('go', ['version']) && ['lib/pq', 'go-sql-driver/mysql'].every((d) => existsSync(`/usr/share/gocode/src/github.com/${d}`));
/** The DSN each Go driver takes: lib/pq a URL (its default sslmode is require: a service sets it), go-sql-driver its own form. */
function goDsn(url: string): [string, string] {
  if (url.startsWith('postgres')) return ['postgres', withParam(url.includes('sslmode=') ? url : withParam(url, 'sslmode=disable'), 'connect_timeout=2')];
  const p = mysqlParts(url);
  return ['mysql', `${p.user}:${p.password}@tcp(${p.host}:${p.port})/${p.database}?timeout=2s&readTimeout=2s`];
}
const goClient = (name: 'connect' | 'pool') => (url: string) => [goBinary(name), ...goDsn(url)];

export const CLIENTS: Client[] = [
  { name: 'node-postgres', engine: 'postgres', available: () => true,
    argv: (url, root) => nodeScript(root, `const pg = require('pg'); const c = new pg.Client({ connectionString: ${JSON.stringify(url)}, connectionTimeoutMillis: 2000 }); await c.connect(); await c.end();`) },
  { name: 'mysql2', engine: 'mysql', available: () => true,
    argv: (url, root) => nodeScript(root, `const mysql = require('mysql2/promise'); const c = await mysql.createConnection({ uri: ${JSON.stringify(url)}, connectTimeout: 2000 }); await c.end();`) },
  { name: 'psql', engine: 'postgres', available: () => ok('psql', ['--version']),
    argv: (url) => ['env', 'PGCONNECT_TIMEOUT=2', 'psql', url, '-c', 'SELECT 1'] },
  { name: 'mariadb client', engine: 'mysql', available: () => ok('mariadb', ['--version']),
    argv: (url) => { const p = mysqlParts(url); return ['mariadb', `--host=${p.host}`, `--port=${p.port}`, `--user=${p.user}`, `--password=${p.password}`, '--connect-timeout=2', p.database, '-e', 'SELECT 1']; } },
  { name: 'psycopg2', engine: 'postgres', available: pyHas('psycopg2'),
    argv: (url) => ['/usr/bin/python3', '-c', `import psycopg2\npsycopg2.connect(${JSON.stringify(url)}, connect_timeout=2)`] },
  { name: 'SQLAlchemy over psycopg2', engine: 'postgres', available: pyHas('sqlalchemy'),
    argv: (url) => ['/usr/bin/python3', '-c', `import sqlalchemy\nsqlalchemy.create_engine(${JSON.stringify(url.replace(/^postgres:/, 'postgresql+psycopg2:'))}, connect_args={'connect_timeout': 2}).connect()`] },
  { name: 'PyMySQL', engine: 'mysql', available: pyHas('pymysql'), argv: PY_MYSQL('pymysql', 'pymysql.connect') },
  { name: 'psycopg 3', engine: 'postgres', available: pyHas('psycopg'),
    argv: (url) => ['/usr/bin/python3', '-c', `import psycopg\npsycopg.connect(${JSON.stringify(url)}, connect_timeout=2)`] },
  { name: 'asyncpg', engine: 'postgres', available: pyHas('asyncpg'),
    argv: (url) => ['/usr/bin/python3', '-c', `import asyncio, asyncpg\nasyncio.run(asyncpg.connect(${JSON.stringify(url)}, timeout=2))`] },
  { name: 'mysqlclient', engine: 'mysql', available: pyHas('MySQLdb'),
    argv: (url) => { const p = mysqlParts(url); return ['/usr/bin/python3', '-c', `import MySQLdb\nMySQLdb.connect(host=${JSON.stringify(p.host)}, port=${p.port}, user=${JSON.stringify(p.user)}, passwd=${JSON.stringify(p.password)}, db=${JSON.stringify(p.database)}, connect_timeout=2)`]; } },
  { name: 'Ruby pg', engine: 'postgres', available: () => ok('ruby', ['-e', 'require "pg"']),
    argv: (url) => ['ruby', '-e', 'require "pg"; PG.connect(ARGV[0])', withParam(url, 'connect_timeout=2')] },
  { name: 'PHP PDO pgsql', engine: 'postgres', available: () => ok('php', ['-r', 'exit(extension_loaded("pdo_pgsql") ? 0 : 1);']),
    argv: (url) => { const p = parts(url); return ['php', '-r', '$a = $argv; new PDO($a[1], $a[2], $a[3]);', `pgsql:host=${p.host};port=${p.port};dbname=${p.database};connect_timeout=2`, p.user, p.password]; } },
  { name: 'PHP PDO mysql', engine: 'mysql', available: () => ok('php', ['-r', 'exit(extension_loaded("pdo_mysql") ? 0 : 1);']),
    argv: (url) => { const p = parts(url); return ['php', '-r', '$a = $argv; new PDO($a[1], $a[2], $a[3], [PDO::ATTR_TIMEOUT => 2]);', `mysql:host=${p.host};port=${p.port};dbname=${p.database}`, p.user, p.password]; } },
  { name: 'PgJDBC', engine: 'postgres', available: () => ok('java', ['-version']) && existsSync(jar('postgresql')),
    argv: javaClient('postgresql', 'postgresql', 'connectTimeout=2&socketTimeout=2&loginTimeout=2') },
  { name: 'MariaDB Connector/J', engine: 'mysql', available: () => ok('java', ['-version']) && existsSync(jar('mariadb-java-client')),
    argv: javaClient('mariadb-java-client', 'mariadb', 'connectTimeout=2000&socketTimeout=2000') },
  { name: 'Django (PostgreSQL)', engine: 'postgres', available: pyHas('django, psycopg2'), argv: django('postgresql') },
  { name: 'Django (MySQL)', engine: 'mysql', available: pyHas('django, MySQLdb'), argv: django('mysql') },
  { name: 'ActiveRecord', engine: 'postgres', available: hasActiveRecord, argv: activeRecord('', 'ActiveRecord::Base.connection.execute("SELECT 1")') },
  { name: 'Go lib/pq', engine: 'postgres', available: hasGo, argv: goClient('connect') },
  { name: 'Go go-sql-driver/mysql', engine: 'mysql', available: hasGo, argv: goClient('connect') },
];

/** The application's own pool exhausted while the server has room: the pool holds its one connection and asks again. */
const HIKARI_SOURCE = join(import.meta.dirname, 'fixtures', 'HikariPool.java');

export const POOL_CLIENTS: Client[] = [
  { name: 'HikariCP', engine: 'postgres', available: () => ok('java', ['-version']) && ['HikariCP', 'slf4j-api', 'postgresql'].every((j) => existsSync(jar(j))),
    argv: (url) => { const p = parts(url); return ['java', '-cp', ['HikariCP', 'slf4j-api', 'postgresql'].map(jar).join(':'), HIKARI_SOURCE, `jdbc:postgresql://${p.host}:${p.port}/${p.database}`, p.user, p.password]; } },
  { name: 'ActiveRecord pool', engine: 'postgres', available: hasActiveRecord,
    argv: activeRecord(', pool: 1, checkout_timeout: 1', 'held = ActiveRecord::Base.connection_pool.checkout; Thread.new { ActiveRecord::Base.connection_pool.checkout }.join') },
  { name: 'node-postgres pg-pool', engine: 'postgres', available: () => true,
    argv: (url, root) => nodeScript(root, `const pg = require('pg'); const pool = new pg.Pool({ connectionString: ${JSON.stringify(url)}, max: 1, connectionTimeoutMillis: 500 }); const held = await pool.connect(); await pool.connect();`) },
  { name: 'mysql2 pool', engine: 'mysql', available: () => true,
    argv: (url, root) => nodeScript(root, `const mysql = require('mysql2/promise'); const pool = mysql.createPool({ uri: ${JSON.stringify(url)}, connectionLimit: 1, waitForConnections: false }); const held = await pool.getConnection(); await pool.getConnection();`) },
  { name: 'Go database/sql pool (lib/pq)', engine: 'postgres', available: hasGo, argv: goClient('pool') },
  { name: 'Go database/sql pool (go-sql-driver/mysql)', engine: 'mysql', available: hasGo, argv: goClient('pool') },
  { name: 'SQLAlchemy QueuePool', engine: 'postgres', available: pyHas('sqlalchemy'),
    argv: (url) => ['/usr/bin/python3', '-c', `import sqlalchemy\ne = sqlalchemy.create_engine(${JSON.stringify(url.replace(/^postgres:/, 'postgresql+psycopg2:'))}, pool_size=1, max_overflow=0, pool_timeout=1)\nheld = e.connect()\ne.connect()`] },
];

/** A session ended by the server while it runs a query: each stack runs a long sleep, which the lab then
 *  terminates (pg_terminate_backend, KILL CONNECTION). */
export const SLEEP_SQL = { postgres: 'SELECT pg_sleep(30)', mysql: 'SELECT SLEEP(30)' } as const;

export const SLEEP_CLIENTS: Client[] = [
  { name: 'node-postgres', engine: 'postgres', available: () => true,
    argv: (url, root) => nodeScript(root, `const pg = require('pg'); const c = new pg.Client({ connectionString: ${JSON.stringify(url)} }); await c.connect(); await c.query(${JSON.stringify(SLEEP_SQL.postgres)});`) },
  { name: 'psql', engine: 'postgres', available: () => ok('psql', ['--version']), argv: (url) => ['psql', url, '-c', SLEEP_SQL.postgres] },
  { name: 'psycopg2', engine: 'postgres', available: pyHas('psycopg2'),
    argv: (url) => ['/usr/bin/python3', '-c', `import psycopg2\npsycopg2.connect(${JSON.stringify(url)}).cursor().execute(${JSON.stringify(SLEEP_SQL.postgres)})`] },
  { name: 'psycopg 3', engine: 'postgres', available: pyHas('psycopg'),
    argv: (url) => ['/usr/bin/python3', '-c', `import psycopg\npsycopg.connect(${JSON.stringify(url)}).execute(${JSON.stringify(SLEEP_SQL.postgres)})`] },
  { name: 'Ruby pg', engine: 'postgres', available: () => ok('ruby', ['-e', 'require "pg"']),
    argv: (url) => ['ruby', '-e', `require "pg"; PG.connect(ARGV[0]).exec(${JSON.stringify(SLEEP_SQL.postgres)})`, url] },
  { name: 'Go lib/pq', engine: 'postgres', available: hasGo, argv: (url) => [...goClient('connect')(url), SLEEP_SQL.postgres] },
  { name: 'mysql2', engine: 'mysql', available: () => true,
    argv: (url, root) => nodeScript(root, `const mysql = require('mysql2/promise'); const c = await mysql.createConnection({ uri: ${JSON.stringify(url)} }); await c.query(${JSON.stringify(SLEEP_SQL.mysql)});`) },
  { name: 'mariadb client', engine: 'mysql', available: () => ok('mariadb', ['--version']),
    argv: (url) => { const p = mysqlParts(url); return ['mariadb', `--host=${p.host}`, `--port=${p.port}`, `--user=${p.user}`, `--password=${p.password}`, p.database, '-e', SLEEP_SQL.mysql]; } },
  { name: 'PyMySQL', engine: 'mysql', available: pyHas('pymysql'),
    argv: (url) => { const p = mysqlParts(url); return ['/usr/bin/python3', '-c', `import pymysql\npymysql.connect(host=${JSON.stringify(p.host)}, port=${p.port}, user=${JSON.stringify(p.user)}, password=${JSON.stringify(p.password)}, database=${JSON.stringify(p.database)}).cursor().execute(${JSON.stringify(SLEEP_SQL.mysql)})`]; } },
  { name: 'Go go-sql-driver/mysql', engine: 'mysql', available: hasGo, argv: (url) => [...goClient('connect')(url), SLEEP_SQL.mysql] },
];

/** What the client printed, both streams, as a log would hold them; `failed`: it did not exit 0 (an
 *  application that met an error dies of it; one that exits 0 met none, whatever it printed). */
export function runClient(argv: string[]): { output: string; failed: boolean } {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 20_000, env: { ...process.env, PGPASSWORD: '', NODE_NO_WARNINGS: '1' } });
  return { output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim(), failed: r.status !== 0 };
}
