// What `runbook explain` says of one error it recognised in an application's or a server's output: the class
// (the classes diagnose uses, plus the application's own pool), the side it came from, and why.
import type { Classification } from '../common/classification.js';

/** An application pool's checkout timeout is not a server limit: the one difference that matters most. */
export type ExplainClass = Classification | 'app-pool-timeout';

/** Where the error was raised: the application's own pool, the driver (or client program), a pooler (PgBouncer),
 *  the database server, the network between, or TLS. */
export type Side = 'application pool' | 'driver' | 'pooler' | 'server' | 'network' | 'tls';

/** What the text gives away about where the application was connecting. */
export interface Facts {
  engine?: 'postgres' | 'mysql';
  host?: string;
  port?: string;
  database?: string;
  user?: string;
  pool?: string;
  poolSize?: number;
  timeoutMs?: number;
  /** The process that logged it, where the line names one (journald's and syslog's `app[4711]:`). */
  pid?: number;
}

export interface Finding {
  class: ExplainClass;
  side: Side;
  /** The client stack that printed it (psycopg2, HikariCP, node-postgres, the psql program, …), when told. */
  stack?: string;
  /** What was recognised: the phrase, the exception type, the SQLSTATE or the MySQL error number. */
  why: string;
  facts: Facts;
  /** Line number (from 1) where the error's record starts, and its time when the line carries one. */
  line: number;
  ts?: string;
  /** The record's first line, cut to 200 characters, passwords masked. */
  excerpt: string;
}
