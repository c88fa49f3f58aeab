// The application's own connection pool, timed out waiting for a free connection: each pool's own words. None of
// these is the server's max_connections; the pool may be too small, its connections held too long, or leaking.
import type { Facts } from './finding.js';

export interface PoolPhrase {
  stack: string;
  text: RegExp;
  /** Facts the phrase carries (pool name, size, the wait), from its named groups. */
  facts?: (m: RegExpExecArray) => Facts;
  /** Records where the same words are someone else's (Go's HTTP and gRPC clients end a context the same way). */
  not?: RegExp;
  /** Where the same words can also mean another cause: said with the finding, and what tells them apart. */
  alike?: string;
}

const ms = (s: string | undefined, unit = 1): number | undefined => (s === undefined ? undefined : Math.round(Number(s) * unit));

export const POOL_PHRASES: PoolPhrase[] = [
  // HikariCP: "HikariPool-1 - Connection is not available, request timed out after 30000ms (total=10, active=10, idle=0, waiting=3)."
  { stack: 'HikariCP', text: /(?<pool>[\w.-]+) - Connection is not available, request timed out after (?<wait>\d+)ms(?:\s*\(total=(?<total>\d+))?/,
    facts: (m) => ({ pool: m.groups!['pool']!, timeoutMs: ms(m.groups!['wait'])!, ...(m.groups!['total'] ? { poolSize: Number(m.groups!['total']) } : {}) }) },
  // SQLAlchemy: "QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00"
  { stack: 'SQLAlchemy', text: /QueuePool limit of size (?<size>\d+) overflow (?<over>-?\d+) reached, connection timed out, timeout (?<wait>[\d.]+)/,
    facts: (m) => ({ pool: 'QueuePool', poolSize: Number(m.groups!['size']) + Math.max(0, Number(m.groups!['over'])), timeoutMs: ms(m.groups!['wait'], 1000)! }) },
  // node-postgres's pg-pool: "timeout exceeded when trying to connect" (connectionTimeoutMillis while all clients are busy).
  { stack: 'node-postgres (pg-pool)', text: /timeout exceeded when trying to connect/ },
  // mysql2's pool: queueLimit reached, or no connection (waitForConnections: false).
  { stack: 'mysql2 pool', text: /Queue limit reached|No connections available\./ },
  // ActiveRecord: "could not obtain a connection from the pool within 5.000 seconds (waited 5.001 seconds); all pooled connections were in use"
  { stack: 'ActiveRecord', text: /could not obtain a connection from the pool within (?<wait>[\d.]+) seconds/,
    facts: (m) => ({ timeoutMs: ms(m.groups!['wait'], 1000)! }) },
  // Django with a pool (4.2+ psycopg pool) and psycopg_pool: "couldn't get a connection after 30.00 sec"
  { stack: 'psycopg_pool', text: /couldn't get a connection after (?<wait>[\d.]+) sec/, facts: (m) => ({ timeoutMs: ms(m.groups!['wait'], 1000)! }) },
  // asyncpg's pool acquire timeout surfaces as asyncio.TimeoutError in pool.acquire().
  { stack: 'asyncpg pool', text: /in (?:_acquire|acquire)[\s\S]{0,200}TimeoutError|asyncpg\.pool[\s\S]{0,200}TimeoutError/ },
  // Go's database/sql: a request whose context ends while SetMaxOpenConns' connections are all in use gets the
  // context's own error, nothing more (lib/pq and go-sql-driver/mysql alike). A dial that runs out says "dial tcp
  // …: i/o timeout" instead.
  { stack: 'Go database/sql', text: /\bcontext deadline exceeded\b/, not: /\bdial (?:tcp|unix)\b|https?:\/\/|rpc error|\b(?:Get|Post|Put|Patch|Delete|Head) "/,
    alike: "Go says the same words when the context ends during a query rather than in the pool's queue (go-sql-driver/mysql then closes the connection); "
      + "the service's db.Stats() tells them apart: WaitCount and WaitDuration grow only while requests queue for a connection." },
  // MariaDB Connector/J's own pool.
  { stack: 'MariaDB Connector/J pool', text: /No connection available within the specified time \(option 'connectTimeout': (?<wait>[\d,]+) ms\)/,
    facts: (m) => ({ timeoutMs: Number(m.groups!['wait']!.replace(/,/g, '')) }) },
];
