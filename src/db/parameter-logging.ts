// Whether a server writes a statement's bind parameters where others read them. A secret given to an SQL step as
// a parameter is withheld from every record of the run by its flow, but the server wrote it in clear: PostgreSQL
// with log_statement = all (`DETAIL: parameters: $1 = '…'`), MariaDB into the statement's text whenever its
// general or slow log is on — where the process list showed it to the application's own account (probes of stop
// 71). Such a step is refused on such a server before the statement is sent. Left: PostgreSQL quotes a value it
// cannot convert in the error it logs (`invalid input syntax for type integer: "…"`), whatever the settings.

/** PostgreSQL: the settings that log a statement with its parameters (13+), every one readable by any role. */
export const PG_PARAMETER_LOGGING_SQL = `SELECT ${['log_statement', 'log_min_duration_statement', 'log_min_duration_sample', 'log_statement_sample_rate', 'log_parameter_max_length', 'log_parameter_max_length_on_error']
  .map((s) => `pg_catalog.current_setting('${s}') AS ${s}`).join(', ')}, pg_catalog.current_setting('auto_explain.log_min_duration', true) AS auto_explain`;

/** What would write the parameters, said for the operator; undefined when nothing would. */
export function pgParametersLogged(row: Record<string, unknown>): string | undefined {
  const n = (k: string) => Number.parseFloat(String(row[k] ?? '-1'));
  if (n('log_parameter_max_length_on_error') !== 0) return `log_parameter_max_length_on_error is ${String(row.log_parameter_max_length_on_error)}: a statement that fails is logged with its parameters`;
  if (n('log_parameter_max_length') === 0) return undefined;
  if (String(row.log_statement) === 'all') return 'log_statement is all: every statement is logged with its parameters';
  if (n('log_min_duration_statement') >= 0) return `log_min_duration_statement is ${String(row.log_min_duration_statement)}: a statement that takes that long is logged with its parameters`;
  if (n('log_min_duration_sample') >= 0 && n('log_statement_sample_rate') > 0) return 'log_min_duration_sample is set: sampled statements are logged with their parameters';
  if (row.auto_explain !== null && row.auto_explain !== undefined && n('auto_explain') >= 0) return 'auto_explain logs plans of statements with their parameters';
  return undefined;
}

/** MariaDB/MySQL: the logs that write a prepared statement's text with its parameters filled in (and the server
 *  audit plugin's, where it is loaded). SHOW VARIABLES: the session's values, else the server's. */
export const MYSQL_PARAMETER_LOGGING_SQL = "SHOW VARIABLES WHERE Variable_name IN ('general_log', 'slow_query_log', 'log_slow_query', 'server_audit_logging')";

export function mysqlParametersLogged(rows: Record<string, unknown>[]): string | undefined {
  const on = rows.filter((r) => /^(ON|1)$/i.test(String(r.Value ?? r.VALUE ?? ''))).map((r) => String(r.Variable_name ?? r.VARIABLE_NAME));
  return on.length ? `${on.join(', ')} ${on.length > 1 ? 'are' : 'is'} ON: the server writes a statement's parameters into its text there, and its process list shows that text` : undefined;
}

/**
 * MariaDB/MySQL: the audit plugins loaded, which every account may list. An audit plugin is handed each statement,
 * its errors and its warnings, whose messages quote the values (a probe of stop 80: MariaDB's own sql_errlog,
 * loaded with INSTALL SONAME, wrote `WARNING 1292: Truncated incorrect DOUBLE value: '<the PIN>'` of a
 * `SELECT ? + 0` to its log, in a dry run). An allowlist: none loaded, or server_audit, whose logging the variables
 * above say is off; any other is taken to write them down.
 */
export const MYSQL_AUDIT_PLUGINS_SQL = "SELECT PLUGIN_NAME AS n, PLUGIN_LIBRARY AS l FROM information_schema.PLUGINS WHERE PLUGIN_TYPE = 'AUDIT' AND PLUGIN_STATUS = 'ACTIVE'";

/** Audit plugins whose writing the variables of MYSQL_PARAMETER_LOGGING_SQL say (server_audit_logging). */
const AUDIT_READ_BY_VARIABLES = new Set(['SERVER_AUDIT']);

export function mysqlAuditLogged(plugins: Record<string, unknown>[]): string | undefined {
  const other = plugins.find((p) => !AUDIT_READ_BY_VARIABLES.has(String(p.n).toUpperCase()));
  if (!other) return undefined;
  const from = other.l ? ` (${String(other.l)})` : '';
  return `the audit plugin ${String(other.n)}${from} is loaded: it is handed every statement with its errors and warnings, whose messages quote the values`;
}

/** A step whose parameter holds a secret, on a server that would write it down. */
export class SecretParameterLogged extends Error {
  override readonly name = 'SecretParameterLogged';
  constructor(why: string) {
    super(`a parameter of this step holds a secret, and the server would write it in clear (${why}): not sent; give the value another way, or have the DBA turn that logging off`);
  }
}
