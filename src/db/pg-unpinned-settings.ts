// PostgreSQL: every setting a read runs under, not only the ones known to change its values. The pin's fixed list
// missed what it did not name (a probe of stop 75): the application's owner, no superuser, ran `ALTER ROLE app SET
// gin_fuzzy_search_limit = 10`, and a proven `SELECT count(*) FROM logs WHERE tags @> '{error}'` counted 6 of
// 2,500 (a different few each time), dry and real; xmlbinary, timezone_abbreviations and quote_all_identifiers
// changed values the same way. So the read asks, under its pin, which settings a role, a database, a client or the
// server's configuration may give (context user or superuser) differ from their compiled defaults, and is refused
// where one does that is neither pinned (pg-pin-sql.ts, PINNED: set for the read and read back) nor on the
// reviewed list below of those that cannot change what a read returns. MariaDB does the same
// (mysql-session-variables.ts). Through pg_show_all_settings(), not the pg_settings view a superuser may replace.

/** Reviewed (PostgreSQL 15–18): what each changes is a plan, how fast, how much memory, how long to wait, what is
 *  logged or reported, or what a write or DDL does; never a result. A limit whose crossing is an error (not a
 *  smaller answer) counts as harmless. Anything not here, or pinned, that differs from its default refuses. */
const CANNOT_CHANGE_A_READ: ReadonlySet<string> = new Set([
  // Plans and costs: the same rows by another way (the catalog checks read what a plan may fold).
  'constraint_exclusion', 'cpu_index_tuple_cost', 'cpu_operator_cost', 'cpu_tuple_cost', 'cursor_tuple_fraction',
  'debug_parallel_query', 'default_statistics_target', 'effective_cache_size', 'enable_async_append', 'enable_bitmapscan',
  'enable_distinct_reordering', 'enable_gathermerge', 'enable_group_by_reordering', 'enable_hashagg', 'enable_hashjoin',
  'enable_incremental_sort', 'enable_indexonlyscan', 'enable_indexscan', 'enable_material', 'enable_memoize',
  'enable_mergejoin', 'enable_nestloop', 'enable_parallel_append', 'enable_parallel_hash', 'enable_partition_pruning',
  'enable_partitionwise_aggregate', 'enable_partitionwise_join', 'enable_presorted_aggregate', 'enable_self_join_elimination',
  'enable_seqscan', 'enable_sort', 'enable_tidscan', 'force_parallel_mode', 'from_collapse_limit', 'geqo', 'geqo_effort',
  'geqo_generations', 'geqo_pool_size', 'geqo_seed', 'geqo_selection_bias', 'geqo_threshold', 'jit', 'jit_above_cost',
  'jit_dump_bitcode', 'jit_expressions', 'jit_inline_above_cost', 'jit_optimize_above_cost', 'jit_tuple_deforming',
  'join_collapse_limit', 'max_parallel_maintenance_workers', 'max_parallel_workers', 'max_parallel_workers_per_gather',
  'min_parallel_index_scan_size', 'min_parallel_table_scan_size', 'parallel_leader_participation', 'parallel_setup_cost',
  'parallel_tuple_cost', 'plan_cache_mode', 'random_page_cost', 'recursive_worktable_factor', 'seq_page_cost',
  // An unordered read's row order is the server's to choose either way.
  'synchronize_seqscans',
  // Memory, input and output: the same rows, faster or slower.
  'backend_flush_after', 'debug_discard_caches', 'effective_io_concurrency', 'hash_mem_multiplier', 'io_combine_limit',
  'maintenance_io_concurrency', 'maintenance_work_mem', 'temp_buffers', 'temp_tablespaces', 'work_mem',
  // Limits whose crossing is an error, and waiting.
  'client_connection_check_interval', 'deadlock_timeout', 'exit_on_error', 'idle_in_transaction_session_timeout',
  'idle_session_timeout', 'lock_timeout', 'max_stack_depth', 'restrict_nonsystem_relation_kind', 'row_security',
  'statement_timeout', 'tcp_keepalives_count', 'tcp_keepalives_idle', 'tcp_keepalives_interval', 'tcp_user_timeout',
  'temp_file_limit', 'transaction_timeout',
  // Logging, tracing and what the session reports (a log a secret parameter reaches is parameter-logging.ts's), and
  // the language of error messages.
  'application_name', 'backtrace_functions', 'client_min_messages', 'compute_query_id', 'debug_pretty_print',
  'escape_string_warning', 'lc_messages', 'log_duration', 'log_error_verbosity', 'log_executor_stats', 'log_lock_failures',
  'log_lock_waits', 'log_min_duration_sample', 'log_min_duration_statement', 'log_min_error_statement', 'log_min_messages',
  'log_parameter_max_length', 'log_parameter_max_length_on_error', 'log_parser_stats', 'log_planner_stats',
  'log_replication_commands', 'log_statement', 'log_statement_sample_rate', 'log_statement_stats', 'log_temp_files',
  'log_transaction_sample_rate', 'trace_notify', 'trace_sort', 'track_activities', 'track_cost_delay_timing', 'track_counts',
  'track_functions', 'track_io_timing', 'track_wal_io_timing', 'update_process_title',
  // Writes, DDL, roles and replication: a read writes nothing (READ ONLY, read back).
  'allow_in_place_tablespaces', 'allow_system_table_mods', 'check_function_bodies', 'commit_delay', 'commit_siblings',
  'createrole_self_grant', 'debug_logical_replication_streaming', 'default_table_access_method', 'default_tablespace',
  'default_toast_compression', 'default_transaction_deferrable', 'default_transaction_isolation',
  'default_transaction_read_only', 'event_triggers', 'file_copy_method', 'gin_pending_list_limit', 'icu_validation_level',
  'logical_decoding_work_mem', 'md5_password_warnings', 'password_encryption', 'scram_iterations', 'session_replication_role',
  'synchronous_commit', 'transaction_deferrable', 'transaction_isolation', 'transaction_read_only', 'vacuum_buffer_usage_limit',
  'vacuum_cost_delay', 'vacuum_cost_limit', 'vacuum_cost_page_dirty', 'vacuum_cost_page_hit', 'vacuum_cost_page_miss',
  'vacuum_failsafe_age', 'vacuum_freeze_min_age', 'vacuum_freeze_table_age', 'vacuum_max_eager_freeze_failure_rate',
  'vacuum_multixact_failsafe_age', 'vacuum_multixact_freeze_min_age', 'vacuum_multixact_freeze_table_age', 'vacuum_truncate',
  'wal_compression', 'wal_consistency_checking', 'wal_init_zero', 'wal_recycle', 'wal_sender_timeout', 'wal_skip_threshold',
  // The libraries a session loads: judged at the login by pg-libraries.ts.
  'dynamic_library_path', 'extension_control_path', 'extension_destdir', 'local_preload_libraries', 'session_preload_libraries',
]);

/** Libraries whose every setting only logs, counts or traces (reviewed like the list above): the monitoring that
 *  production servers preload (`pg_stat_statements.track = all`, `auto_explain.log_min_duration`) must not refuse
 *  every read on them. Another library's setting away from its default refuses, naming it. */
const LOGGING_LIBRARIES: ReadonlySet<string> = new Set(['auto_explain', 'pg_stat_statements', 'pgaudit']);
const ofLoggingLibrary = (name: string): boolean => name.includes('.') && LOGGING_LIBRARIES.has(name.slice(0, name.indexOf('.')));

/** Set by the pin itself outside PINNED (the read's path; the planner settings its catalog queries turn off). */
const SET_BY_THE_PIN: ReadonlySet<string> = new Set(['search_path']);

/** Left to the server: the application's sessions read with them too (TimeZone as MariaDB's time_zone, docs), and
 *  initdb sets them from the host's locale; default_text_search_config is checked to be PostgreSQL's own. */
const LEFT_TO_THE_SERVER: ReadonlySet<string> = new Set(['timezone', 'default_text_search_config']);

/** The reviewed names, for the test that sets every other one the server lists. */
export const reviewedSettings = (): ReadonlySet<string> => new Set([...CANNOT_CHANGE_A_READ, ...SET_BY_THE_PIN, ...LEFT_TO_THE_SERVER]);

/**
 * `, (…) AS settings, (…) AS library_settings`: appended to the read-back SELECT.
 * `settings`: each setting a role, a database, a client or the server's configuration may set (and the session
 * could) whose value is not its compiled default, as `name=value` in a text[]; an extension's own, where its
 * library is loaded (`pg_trgm.similarity_threshold`), among them. A custom placeholder (`app.tenant`, which nothing
 * defines) is not listed: it changes nothing PostgreSQL does, only SQL that reads it with current_setting(), which
 * the author's text or a policy's code (read with the relation) shows.
 * `library_settings`: a placeholder is a library's own once the library loads, mid-read (`%` loads pg_trgm, which
 * then reads its threshold from the role's placeholder): each role's or database's setting named after a library
 * a function of this database loads (`$libdir/pg_trgm`), whoever it applies to.
 */
export const SETTINGS_READ_BACK_SQL = `, (SELECT pg_catalog.array_agg(pg_catalog.lower(s.name) OPERATOR(pg_catalog.||) '=' OPERATOR(pg_catalog.||) COALESCE(s.setting, ''))
  FROM pg_catalog.pg_show_all_settings() s
  WHERE (s.context OPERATOR(pg_catalog.=) 'user' OR s.context OPERATOR(pg_catalog.=) 'superuser')
    AND (s.boot_val IS NULL OR s.setting IS NULL OR s.setting OPERATOR(pg_catalog.<>) s.boot_val)) AS settings,
  (SELECT pg_catalog.array_agg(x) FROM pg_catalog.pg_db_role_setting r, pg_catalog.unnest(r.setconfig) x
  WHERE pg_catalog.strpos(x, '.') OPERATOR(pg_catalog.>) 0 AND pg_catalog.strpos(x, '.') OPERATOR(pg_catalog.<) pg_catalog.strpos(x, '=')
    AND EXISTS (SELECT FROM pg_catalog.pg_proc p WHERE p.probin IS NOT NULL
      AND pg_catalog.lower(pg_catalog.regexp_replace(p.probin, '^.*/|[.]so$', '', 'g')) OPERATOR(pg_catalog.=) pg_catalog.lower(pg_catalog.split_part(x, '.', 1)))) AS library_settings`;

/** Throws `refuse(why)` for the first setting that differs from its default and may change what a read returns;
 *  `pinned`: those the pin sets and reads back itself (lower case). */
export function checkSessionSettings(list: unknown, libraryList: unknown, pinned: ReadonlySet<string>, refuse: (why: string) => Error): void {
  const libraryOwn = Array.isArray(libraryList) ? libraryList.map(String).filter((x) => !ofLoggingLibrary(x.toLowerCase())) : libraryList;
  if (libraryOwn !== null && !(Array.isArray(libraryOwn) && libraryOwn.length === 0)) {
    const first = Array.isArray(libraryOwn) ? String(libraryOwn[0]) : '';
    throw refuse(`a role or database sets ${first.slice(0, first.indexOf('=')) || 'a setting'}, a setting of a library this database's functions load (it applies when a read loads it): it may change what a read returns, and the engine does not set it for the read: not run as a read`);
  }
  if (list === null) return; // every setting at its compiled default
  if (!Array.isArray(list)) throw refuse('the session\'s settings could not be read, and a read\'s values may not be PostgreSQL\'s defaults: not run as a read');
  for (const entry of list.map(String)) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at);
    if (pinned.has(name) || CANNOT_CHANGE_A_READ.has(name) || SET_BY_THE_PIN.has(name) || LEFT_TO_THE_SERVER.has(name) || ofLoggingLibrary(name)) continue;
    throw refuse(`the session's ${name} is ${entry.slice(at + 1) || "''"}, not PostgreSQL's default (set for the role, the database, the connection or the server): it may change what a read returns, and the engine does not set it for the read: not run as a read`);
  }
}
