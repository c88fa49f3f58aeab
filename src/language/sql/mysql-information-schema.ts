// Which of MariaDB's and MySQL's information_schema tables and SHOW forms a proven read may use. Some read the
// server's own tables in the mysql schema, which the statement does not name: EVENTS and SHOW EVENTS read
// mysql.event, ROUTINES, PARAMETERS and SHOW PROCEDURE/FUNCTION STATUS read mysql.proc. An administrator can make
// such a table FEDERATED (a probe of stop 70: SHOW EVENTS, dry run, logged in to another server and sent it the
// database's name), and the application's account cannot see its engine to check. An allowlist: a table here reads
// the server's memory, InnoDB's own state, or the tables it lists (whose engines and views the session checks).
import { asciiUpper } from './ascii-case.js';

const READS_MEMORY_OR_LISTED = new Set([
  'ALL_PLUGINS', 'APPLICABLE_ROLES', 'CHARACTER_SETS', 'CHECK_CONSTRAINTS', 'CLIENT_STATISTICS', 'COLLATIONS',
  'COLLATION_CHARACTER_SET_APPLICABILITY', 'COLUMNS', 'COLUMN_PRIVILEGES', 'ENABLED_ROLES', 'ENGINES', 'GLOBAL_STATUS',
  'GLOBAL_VARIABLES', 'INDEX_STATISTICS', 'KEY_CACHES', 'KEY_COLUMN_USAGE', 'KEYWORDS', 'METADATA_LOCK_INFO', 'PARTITIONS',
  'PLUGINS', 'PROCESSLIST', 'PROFILING', 'REFERENTIAL_CONSTRAINTS', 'SCHEMATA', 'SCHEMA_PRIVILEGES', 'SESSION_STATUS',
  'SESSION_VARIABLES', 'SQL_FUNCTIONS', 'STATISTICS', 'SYSTEM_VARIABLES', 'TABLES', 'TABLE_CONSTRAINTS', 'TABLE_PRIVILEGES',
  'TABLE_STATISTICS', 'TRIGGERS', 'USER_PRIVILEGES', 'USER_STATISTICS', 'USER_VARIABLES', 'VIEWS',
  'THREAD_POOL_GROUPS', 'THREAD_POOL_QUEUES', 'THREAD_POOL_STATS', 'THREAD_POOL_WAITS',
]);

/** information_schema tables whose reading resets what they show (InnoDB's compression statistics). */
export const resetsCounters = (name: string): boolean => asciiUpper(name).endsWith('_RESET');

/** Whether a proven read may name information_schema.`name`: on the list, or one of InnoDB's own (INNODB_…), but
 *  not one whose reading resets what it shows. */
export function informationSchemaReads(name: string): boolean {
  const upper = asciiUpper(name);
  if (resetsCounters(upper)) return false;
  return READS_MEMORY_OR_LISTED.has(upper) || upper.startsWith('INNODB_');
}

/** Why a proven read may not name information_schema.`name`, for the operator. */
export const whyNotInformationSchema = (name: string): string => (resetsCounters(name)
  ? "which resets the server's counters when read"
  : "which is not known to read only the server's memory or what it lists (EVENTS and ROUTINES read the server's own mysql tables, which an administrator can make another server's)");

/** Unqualified names that are information_schema tables not on the list, refused wherever the session's database
 *  may be information_schema (validate does not know it; the run checks the rest). */
export const UNLISTED_WHEREVER = new Set(['EVENTS', 'ROUTINES', 'PARAMETERS', 'INNODB_CMP_RESET', 'INNODB_CMPMEM_RESET', 'INNODB_CMP_PER_INDEX_RESET']);

/**
 * SHOW statements that open no table they do not name (db/mysql-remote-engines.ts asks nothing more of them), each
 * run beside a FEDERATED table with its listener seeing nothing (test/hardening/sql-mariadb-remote-engines.test.ts).
 * One that names a table (`SHOW COLUMNS FROM t`) opens that one, which the relation check judges. Any other SHOW
 * (`SHOW TABLE STATUS`, MariaDB's statistics) is asked about: an allowlist, so a form a later version adds is asked
 * about too.
 */
export const SHOW_OPENS_NAMED_ONLY = [
  'TABLES', 'FULL TABLES', 'OPEN TABLES', 'DATABASES', 'SCHEMAS', 'CREATE DATABASE', 'CREATE SCHEMA',
  'VARIABLES', 'SESSION VARIABLES', 'LOCAL VARIABLES', 'GLOBAL VARIABLES', 'STATUS', 'SESSION STATUS', 'LOCAL STATUS', 'GLOBAL STATUS',
  'PROCESSLIST', 'FULL PROCESSLIST', 'GRANTS', 'PRIVILEGES', 'ENGINES', 'STORAGE ENGINES', 'PLUGINS', 'WARNINGS', 'ERRORS',
  'COLLATION', 'CHARACTER SET', 'CHARSET', 'TRIGGERS',
  // Not EVENTS, PROCEDURE STATUS or FUNCTION STATUS: never proven, they read mysql.event and mysql.proc (below).
  // Not INDEX, INDEXES or KEYS: `SHOW INDEX FROM t FROM db` opens db.t, whatever t is qualified with, where the
  // relation check read the name as written (a probe of stop 67 reached a FEDERATED table's server that way).
  // Nor COLUMNS or FIELDS, the same way (`SHOW COLUMNS FROM v FROM db` prepared a view there: a probe of stop 69).
];

/** SHOW forms (their leading words) a proven read may use: those above, and those that read the server's memory, a
 *  table they name, or the tables they list (checked by the session: db/mysql-remote-engines.ts). Not EVENTS,
 *  PROCEDURE STATUS, FUNCTION STATUS, their CODE or CREATE forms (mysql.event, mysql.proc), nor anything not listed. */
const SHOW_PROVEN = [
  ...SHOW_OPENS_NAMED_ONLY, 'CREATE TABLE', 'CREATE VIEW', 'CREATE USER', 'ENGINE', 'INNODB STATUS', 'COUNT',
  'TABLE STATUS', 'INDEX', 'INDEXES', 'KEYS', 'COLUMNS', 'FIELDS', 'FULL COLUMNS', 'FULL FIELDS', 'MASTER STATUS',
  'BINLOG STATUS', 'SLAVE STATUS', 'REPLICA STATUS', 'ALL SLAVES', 'ALL REPLICAS', 'BINARY LOGS', 'MASTER LOGS',
  'SLAVE HOSTS', 'REPLICA HOSTS', 'PROFILES', 'PROFILE', 'EXPLAIN', 'USER_STATISTICS', 'CLIENT_STATISTICS',
  'INDEX_STATISTICS', 'TABLE_STATISTICS',
  // PgBouncer's admin console (a text whose engine validate cannot tell is read as both): no MariaDB or MySQL
  // statement begins so, and the server refuses it whole.
  'POOLS', 'CLIENTS', 'SERVERS', 'CONFIG', 'STATS', 'STATS_TOTALS', 'STATS_AVERAGES', 'TOTALS', 'LISTS', 'USERS', 'DNS_HOSTS',
  'DNS_ZONES', 'SOCKETS', 'ACTIVE_SOCKETS', 'MEM', 'FDS', 'VERSION', 'STATE', 'PEERS', 'PEER_POOLS',
];

/** Whether a SHOW's leading unquoted words (upper case) are a form a proven read may use; true for a statement
 *  that is not a SHOW. */
export function showProven(words: string[]): boolean {
  if (words[0] !== 'SHOW') return true;
  return SHOW_PROVEN.some((form) => form.split(' ').every((w, i) => words[1 + i] === w));
}
