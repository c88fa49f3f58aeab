// Functions a non-destructive SQL step may call: an allowlist, not a denylist. Whatever is not here (a
// function with side effects such as pg_terminate_backend, set_config, advisory locks, nextval, dblink,
// lo_*, GET_LOCK, or one this list simply does not know) makes the step need `destructive: true` or
// `safe_because`. The lists hold what the built-in runbooks use plus common functions that only read.

const words = (s: string): ReadonlySet<string> => new Set(s.trim().split(/\s+/));

/** PostgreSQL, by name as the parser gives it: unquoted names are folded to lower case. */
export const PG_READ_ONLY = words(`
  count sum avg min max string_agg array_agg bool_and bool_or every json_agg jsonb_agg json_object_agg
  jsonb_object_agg stddev stddev_pop stddev_samp variance var_pop var_samp percentile_cont percentile_disc mode
  bit_and bit_or
  row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
  length char_length character_length octet_length bit_length lower upper initcap left right substr substring
  position strpos replace split_part concat concat_ws btrim ltrim rtrim trim lpad rpad repeat reverse format
  md5 to_char to_number to_date to_timestamp quote_ident quote_literal quote_nullable regexp_replace
  regexp_match regexp_matches regexp_split_to_array regexp_like string_to_array array_to_string translate
  starts_with encode decode ascii chr normalize overlay
  abs ceil ceiling floor round trunc mod power sqrt cbrt ln log log10 exp sign div greatest least width_bucket
  now clock_timestamp statement_timestamp transaction_timestamp date_trunc date_part extract age make_interval
  make_date make_timestamp timezone justify_interval justify_days justify_hours isfinite
  json_build_object jsonb_build_object json_build_array jsonb_build_array to_json to_jsonb row_to_json
  array_to_json json_array_length jsonb_array_length jsonb_pretty json_typeof jsonb_typeof json_to_record
  json_to_recordset jsonb_to_record jsonb_to_recordset json_each
  jsonb_each json_each_text jsonb_each_text json_object_keys jsonb_object_keys jsonb_path_query
  array_length array_upper array_lower array_position array_positions cardinality unnest generate_series
  generate_subscripts
  num_nulls num_nonnulls
  int4in int8in textout
  version current_setting current_database current_catalog current_schema current_schemas current_user
  session_user inet_client_addr inet_client_port inet_server_addr inet_server_port
  pg_backend_pid pg_blocking_pids pg_safe_snapshot_blocking_pids pg_is_in_recovery pg_is_wal_replay_paused
  pg_get_wal_replay_pause_state pg_last_wal_receive_lsn pg_last_wal_replay_lsn pg_last_xact_replay_timestamp
  pg_current_wal_lsn pg_current_wal_insert_lsn pg_current_wal_flush_lsn pg_wal_lsn_diff pg_walfile_name
  pg_postmaster_start_time pg_conf_load_time pg_size_pretty pg_size_bytes pg_database_size pg_relation_size
  pg_total_relation_size pg_table_size pg_indexes_size pg_tablespace_size pg_column_size pg_tablespace_location
  pg_get_userbyid pg_get_viewdef pg_get_indexdef pg_get_constraintdef pg_get_functiondef pg_get_expr
  pg_typeof format_type pg_ls_waldir pg_ls_logdir pg_ls_archive_statusdir pg_current_xact_id_if_assigned
  txid_current_if_assigned pg_xact_status txid_status pg_current_snapshot txid_current_snapshot
  pg_snapshot_xmin txid_snapshot_xmin mxid_age pg_xact_commit_timestamp obj_description col_description
  shobj_description has_database_privilege has_table_privilege has_schema_privilege has_function_privilege
  has_column_privilege has_sequence_privilege has_any_column_privilege pg_has_role pg_table_is_visible
  to_regclass to_regrole to_regproc to_regprocedure to_regtype to_regnamespace
  host hostmask netmask network family masklen text abbrev broadcast
  pg_encoding_to_char pg_client_encoding pg_stat_get_activity pg_stat_get_backend_idset
  pg_stat_get_backend_pid pg_stat_get_numscans pg_control_checkpoint pg_control_system
  pg_control_recovery pg_wal_summary_contents pg_get_keywords pg_sleep
  similar_to_escape like_escape overlaps is_normalized collation_for pg_collation_for system_user xmlexists xpath
  xpath_exists xmlconcat
`);

/**
 * Functions known to act on the server (sessions, configuration, locks, sequences, files, other servers):
 * `safe_because` cannot vouch for them, only `destructive: true` runs them, since a read-only transaction
 * does not stop most of them (pg_terminate_backend, set_config, advisory locks, GET_LOCK all run in one).
 */
export function pgActs(name: string): boolean {
  return PG_ACTING.has(name) || /^(dblink|lo_|pg_advisory|pg_try_advisory|pg_stat_reset|pg_replication_origin_|pg_create_|pg_drop_|pg_file_|pg_backup_|pg_wal_replay_)/.test(name);
}

const PG_ACTING = words(`
  pg_terminate_backend pg_cancel_backend pg_reload_conf set_config nextval setval pg_rotate_logfile
  pg_rotate_logfile_old pg_switch_wal pg_switch_xlog pg_promote pg_notify pg_start_backup pg_stop_backup
  pg_log_backend_memory_contexts pg_import_system_collations pg_sequence_last_value txid_current
  pg_current_xact_id pg_logical_emit_message pg_logical_slot_get_changes pg_logical_slot_get_binary_changes
  pg_replication_slot_advance pg_copy_physical_replication_slot pg_copy_logical_replication_slot
  pg_read_file pg_read_binary_file pg_ls_dir pg_stat_file
`);

export const MYSQL_ACTING = words(`
  GET_LOCK RELEASE_LOCK RELEASE_ALL_LOCKS IS_USED_LOCK NEXTVAL SETVAL LASTVAL LOAD_FILE BENCHMARK
  MASTER_POS_WAIT MASTER_GTID_WAIT SOURCE_POS_WAIT SYS_EXEC SYS_EVAL
`);

/** MySQL and MariaDB, compared in upper case (their function names are case-insensitive). Not CONVERT_TZ: a named
 *  zone makes the server open mysql.time_zone*, whatever their engine (a stop-68 probe replaced time_zone_name by a
 *  FEDERATED table, and a read sent its literals to another server). */
export const MYSQL_READ_ONLY = words(`
  COUNT SUM AVG MIN MAX GROUP_CONCAT BIT_AND BIT_OR BIT_XOR STD STDDEV STDDEV_POP STDDEV_SAMP VARIANCE
  VAR_POP VAR_SAMP JSON_ARRAYAGG JSON_OBJECTAGG
  ROW_NUMBER RANK DENSE_RANK PERCENT_RANK CUME_DIST NTILE LAG LEAD FIRST_VALUE LAST_VALUE NTH_VALUE
  COALESCE IFNULL NULLIF IF ISNULL GREATEST LEAST INTERVAL
  CONCAT CONCAT_WS SUBSTRING SUBSTR MID SUBSTRING_INDEX LEFT RIGHT LENGTH CHAR_LENGTH CHARACTER_LENGTH
  OCTET_LENGTH BIT_LENGTH LOWER UPPER LCASE UCASE TRIM LTRIM RTRIM REPLACE LOCATE INSTR POSITION LPAD RPAD
  REPEAT REVERSE FORMAT HEX UNHEX MD5 SHA1 SHA2 CRC32 ASCII CHAR FIELD ELT FIND_IN_SET STRCMP SPACE QUOTE
  REGEXP_REPLACE REGEXP_SUBSTR REGEXP_INSTR TO_BASE64 FROM_BASE64 INET_NTOA INET_ATON INET6_NTOA INET6_ATON
  ROUND FLOOR CEIL CEILING ABS MOD POW POWER SQRT TRUNCATE SIGN LN LOG LOG10 LOG2 EXP DIV CONV
  NOW SYSDATE CURDATE CURTIME CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP LOCALTIME LOCALTIMESTAMP
  UTC_DATE UTC_TIME UTC_TIMESTAMP UNIX_TIMESTAMP FROM_UNIXTIME DATE TIME DATE_FORMAT TIME_FORMAT DATE_ADD
  DATE_SUB ADDDATE SUBDATE DATEDIFF TIMEDIFF TIMESTAMPDIFF TIMESTAMPADD TIME_TO_SEC SEC_TO_TIME EXTRACT YEAR
  MONTH DAY DAYOFMONTH DAYOFWEEK DAYOFYEAR HOUR MINUTE SECOND WEEK QUARTER LAST_DAY MAKEDATE MAKETIME
  STR_TO_DATE
  VERSION DATABASE SCHEMA USER CURRENT_USER SESSION_USER SYSTEM_USER CONNECTION_ID CURRENT_ROLE
  JSON_EXTRACT JSON_UNQUOTE JSON_QUOTE JSON_OBJECT JSON_ARRAY JSON_LENGTH JSON_VALID JSON_TYPE JSON_KEYS
  JSON_CONTAINS JSON_SEARCH JSON_VALUE
  CAST CONVERT BINARY SLEEP
`);
