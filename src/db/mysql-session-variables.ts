// MariaDB: every session setting a read runs under, not only the ones known to change its values. A fixed list of
// pins missed what it did not name (a probe of stop 74): a DBA's `SET GLOBAL default_regex_flags = 'EXTENDED'`
// made `state REGEXP '^(in progress|queued)$'` ignore its spaces and match nothing, `max_allowed_packet = 1024`
// made REPEAT() return NULL, `system_versioning_asof` made a versioned table read the past; each routed a run to
// resolved. So the server is asked which of the session's variables differ from their compiled defaults
// (information_schema.SYSTEM_VARIABLES), and a read is refused where one does that is neither pinned (set before
// every read and read back) nor on the reviewed list below of those that cannot change what a read returns.
// A session takes its values from the globals at its login (and at a reset), and only its own statements change
// them after: a proven read sets none, and after any other statement the session is reset before the next read
// (mysql-session.ts, freshSession). So the question is asked once per login or reset, not before every read.
// MySQL has no such table (performance_schema.variables_info has no default value): there the fixed pins stand.
import { PinRefusal } from './pin-refusal.js';

/** Reviewed (MariaDB 10.11): what each changes is how fast, how much memory, how long to wait, what is logged or
 *  replicated, or what a write or DDL does; a plan, never a result. A limit that makes a read fail instead (an
 *  error, not a smaller answer) counts as harmless. Anything not here that differs from its default refuses. */
const CANNOT_CHANGE_A_READ = new Set([
  // Plans, buffers and memory: the same rows by another way.
  'analyze_max_length', 'analyze_sample_percentage', 'aria_repair_threads', 'aria_sort_buffer_size', 'aria_stats_method',
  'big_tables', 'bulk_insert_buffer_size', 'eq_range_index_dive_limit', 'expensive_subquery_limit', 'histogram_size',
  'histogram_type', 'in_predicate_conversion_threshold', 'join_buffer_size', 'join_buffer_space_limit', 'join_cache_level',
  'max_length_for_sort_data', 'max_rowid_filter_size', 'max_seeks_for_key', 'mrr_buffer_size', 'myisam_repair_threads',
  'myisam_sort_buffer_size', 'myisam_stats_method', 'net_buffer_length', 'optimizer_adjust_secondary_key_costs',
  'optimizer_extra_pruning_depth', 'optimizer_join_limit_pref_ratio', 'optimizer_max_sel_arg_weight', 'optimizer_max_sel_args',
  'optimizer_prune_level', 'optimizer_search_depth', 'optimizer_selectivity_sampling_limit', 'optimizer_switch',
  'optimizer_trace', 'optimizer_trace_max_mem_size', 'optimizer_use_condition_selectivity', 'preload_buffer_size',
  'query_alloc_block_size', 'query_prealloc_size', 'range_alloc_block_size', 'read_buffer_size', 'read_rnd_buffer_size',
  'query_cache_strip_comments', 'query_cache_type', 'query_cache_wlock_invalidate', 'rowid_merge_buff_size',
  'sort_buffer_size', 'sql_buffer_result', 'thread_pool_priority', 'transaction_alloc_block_size', 'transaction_prealloc_size',
  // Limits whose crossing is an error, never a cut answer.
  'max_heap_table_size', 'max_join_size', 'max_session_mem_used', 'max_sp_recursion_depth', 'max_statement_time',
  'max_tmp_tables', 'max_user_connections', 'sql_big_selects', 'tmp_disk_table_size', 'tmp_memory_table_size', 'tmp_table_size',
  // Waiting and timeouts.
  'deadlock_search_depth_long', 'deadlock_search_depth_short', 'deadlock_timeout_long', 'deadlock_timeout_short',
  'idle_readonly_transaction_timeout', 'idle_transaction_timeout', 'idle_write_transaction_timeout', 'innodb_lock_wait_timeout',
  'interactive_timeout', 'lock_wait_timeout', 'net_read_timeout', 'net_retry_count', 'net_write_timeout', 'tcp_nodelay',
  'wait_timeout',
  // Logging, profiling, what the protocol reports about the session, and the language of error messages.
  'lc_messages', 'log_disabled_statements', 'log_queries_not_using_indexes', 'log_slow_admin_statements',
  'log_slow_disabled_statements', 'log_slow_filter', 'log_slow_max_warnings', 'log_slow_min_examined_row_limit', 'log_slow_query',
  'log_slow_query_time', 'log_slow_rate_limit', 'log_slow_slave_statements', 'log_slow_verbosity', 'log_warnings',
  'long_query_time', 'min_examined_row_limit', 'profiling', 'profiling_history_size', 'progress_report_time',
  'session_track_schema', 'session_track_state_change', 'session_track_system_variables', 'session_track_transaction_info',
  'slow_query_log', 'sql_log_off',
  // Writes, DDL and replication: a read writes nothing (it runs read-only, tx_read_only per statement).
  'alter_algorithm', 'auto_increment_increment', 'auto_increment_offset', 'autocommit', 'binlog_alter_two_phase',
  'binlog_annotate_row_events', 'binlog_direct_non_transactional_updates', 'binlog_format', 'binlog_row_image',
  'check_constraint_checks', 'column_compression_threshold', 'column_compression_zlib_level', 'column_compression_zlib_strategy',
  'column_compression_zlib_wrap', 'default_storage_engine', 'default_tmp_storage_engine', 'enforce_storage_engine',
  'explicit_defaults_for_timestamp', 'foreign_key_checks', 'gtid_domain_id', 'innodb_compression_default',
  'innodb_default_encryption_key_id', 'innodb_snapshot_isolation', 'innodb_strict_mode', 'innodb_tmpdir', 'keep_files_on_create',
  'low_priority_updates',  'max_delayed_threads', 'max_insert_delayed_threads', 'max_relay_log_size', 'old_alter_table', 'server_id', 'sql_if_exists',
  'sql_log_bin', 'sql_safe_updates', 'sql_slave_skip_counter', 'storage_engine', 'system_versioning_alter_history',
  'system_versioning_insert_history', 'tx_read_only', 'unique_checks', 'updatable_views_with_limit',
  // Defaults for what is created (a database, a routine's parameters); character_set_database follows USE.
  'character_set_database', 'character_set_server', 'collation_database', 'collation_server',
]);

/** No lower than the default: a packet that small makes a string function's result NULL (warning 1301). */
const NO_LOWER = new Set(['max_allowed_packet']);

/** The application's sessions share it, and a read shown in another zone would disagree with them (docs). */
const LEFT_TO_THE_SERVER = new Set(['time_zone']);

/** The reviewed names, for the test that sets every other one the server lists. */
export const reviewedVariables = (): ReadonlySet<string> => new Set([...CANNOT_CHANGE_A_READ, ...NO_LOWER, ...LEFT_TO_THE_SERVER]);

/**
 * `, (…) AS variables`: appended to the read-back SELECT. Each session variable (not SESSION ONLY: those only the
 * session's own statements set, and a reset clears) whose value differs from its compiled default, as a JSON array
 * of [name, value, default]. Compared as bytes: a value is the server's own spelling of it. Inside GROUP_CONCAT,
 * bounded by group_concat_max_len, which the pin raised in its SET before: a cut list does not parse, and refuses.
 */
export const variablesReadBackSql = `, CONCAT('[', IFNULL((SELECT GROUP_CONCAT(JSON_ARRAY(LOWER(VARIABLE_NAME), SESSION_VALUE, DEFAULT_VALUE))
  FROM information_schema.SYSTEM_VARIABLES WHERE VARIABLE_SCOPE = 'SESSION' AND BINARY SESSION_VALUE <> BINARY IFNULL(DEFAULT_VALUE, '')), ''), ']') AS variables`;

type Differing = [name: string, value: string, fallback: string | null];

function parsed(text: unknown): Differing[] {
  try {
    const list = JSON.parse(String(text)) as unknown;
    if (Array.isArray(list) && list.every((d) => Array.isArray(d) && typeof d[0] === 'string')) return list as Differing[];
  } catch { /* refused below */ }
  throw new PinRefusal('the session\'s settings could not be read, and a read\'s values may not be the server\'s defaults: not run as a read');
}

const lower = ([, value, fallback]: Differing): boolean => Number(value) < Number(fallback);

/** Throws PinRefusal for the first variable that differs from its default and may change what a read returns;
 *  `pinned`: those the pin sets and reads back itself. */
export function checkSessionVariables(text: unknown, pinned: ReadonlySet<string>): void {
  for (const d of parsed(text)) {
    const [name, value, fallback] = d;
    if (pinned.has(name) || CANNOT_CHANGE_A_READ.has(name) || LEFT_TO_THE_SERVER.has(name)) continue;
    if (NO_LOWER.has(name) && !lower(d)) continue;
    const why = NO_LOWER.has(name) ? 'a read\'s strings may come back NULL' : 'it may change what a read returns';
    throw new PinRefusal(`the server's ${name} is ${value || "''"}, not its default (${fallback || "''"}): ${why}, and the engine cannot set it for the read: not run as a read`);
  }
}
