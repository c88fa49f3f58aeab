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

/** SHOW forms (their leading words) a proven read may use: each reads the server's memory, a table it names, or
 *  the tables it lists (checked by the session: db/mysql-remote-engines.ts). Not EVENTS, PROCEDURE STATUS,
 *  FUNCTION STATUS, their CODE or CREATE forms (mysql.event, mysql.proc), nor anything not listed. */
const SHOW_PROVEN = [
  'TABLES', 'FULL TABLES', 'OPEN TABLES', 'DATABASES', 'SCHEMAS', 'CREATE DATABASE', 'CREATE SCHEMA', 'CREATE TABLE', 'CREATE VIEW',
  'CREATE USER', 'VARIABLES', 'SESSION VARIABLES', 'LOCAL VARIABLES', 'GLOBAL VARIABLES', 'STATUS', 'SESSION STATUS',
  'LOCAL STATUS', 'GLOBAL STATUS', 'PROCESSLIST', 'FULL PROCESSLIST', 'GRANTS', 'PRIVILEGES', 'ENGINES', 'STORAGE ENGINES',
  'ENGINE', 'INNODB STATUS', 'PLUGINS', 'WARNINGS', 'ERRORS', 'COUNT', 'COLLATION', 'CHARACTER SET', 'CHARSET', 'TRIGGERS',
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
