// The functions PostgreSQL's own views call (pg_catalog's and information_schema's, as initdb made them), beyond
// the read-only list and the functions of casts and operators: what a read of those views runs by design. The
// stored code of every relation a read names is read from the server (db/pg-pin-sql.ts), PostgreSQL's own views
// included, since a superuser can replace one in place (`CREATE OR REPLACE VIEW pg_catalog.pg_settings AS …`,
// the same columns) or give an information_schema table a policy or a column type of its own (issue #45). A
// built-in called there passes only when it is on the read list, a cast's or an operator's function, or here.
// Generated from fresh PostgreSQL 15 and 18 (every view's ev_action, the functions its tree calls), without the
// names known to act (pg_sequence_last_value, which pg_sequences calls: a read of that view is refused).
// test/hardening/sql-pg-system-views.test.ts holds it to the catalogs the lab has. Regenerate when a major is added.
import { pgActs } from './read-only-functions.js';

const NAMES = `
  _pg_char_max_length _pg_char_octet_length _pg_datetime_precision _pg_expandarray _pg_index_position
  _pg_interval_type _pg_numeric_precision _pg_numeric_precision_radix _pg_numeric_scale _pg_truetypid _pg_truetypmod
  acldefault aclexplode getdatabaseencoding has_foreign_data_wrapper_privilege has_server_privilege has_type_privilege
  nameconcatoid pg_available_extension_versions pg_available_extensions pg_column_is_updatable pg_config pg_cursor
  pg_function_is_visible pg_get_aios pg_get_backend_memory_contexts pg_get_function_arg_default
  pg_get_function_arguments pg_get_publication_tables pg_get_replication_slots pg_get_ruledef pg_get_shmem_allocations
  pg_get_shmem_allocations_numa pg_get_statisticsobjdef_expressions pg_get_triggerdef pg_get_wait_events
  pg_hba_file_rules pg_ident_file_mappings pg_indexam_progress_phasename pg_is_other_temp_schema pg_lock_status
  pg_mcv_list_items pg_my_temp_schema pg_options_to_table pg_prepared_statement pg_prepared_xact
  pg_relation_is_updatable pg_show_all_file_settings pg_show_all_settings pg_show_replication_origin_status
  pg_stat_get_analyze_count pg_stat_get_archiver pg_stat_get_autoanalyze_count pg_stat_get_autovacuum_count
  pg_stat_get_bgwriter_buf_written_checkpoints pg_stat_get_bgwriter_buf_written_clean
  pg_stat_get_bgwriter_maxwritten_clean pg_stat_get_bgwriter_requested_checkpoints
  pg_stat_get_bgwriter_stat_reset_time pg_stat_get_bgwriter_timed_checkpoints pg_stat_get_blocks_fetched
  pg_stat_get_blocks_hit pg_stat_get_buf_alloc pg_stat_get_buf_fsync_backend pg_stat_get_buf_written_backend
  pg_stat_get_checkpoint_sync_time pg_stat_get_checkpoint_write_time pg_stat_get_checkpointer_buffers_written
  pg_stat_get_checkpointer_num_performed pg_stat_get_checkpointer_num_requested pg_stat_get_checkpointer_num_timed
  pg_stat_get_checkpointer_restartpoints_performed pg_stat_get_checkpointer_restartpoints_requested
  pg_stat_get_checkpointer_restartpoints_timed pg_stat_get_checkpointer_slru_written
  pg_stat_get_checkpointer_stat_reset_time pg_stat_get_checkpointer_sync_time pg_stat_get_checkpointer_write_time
  pg_stat_get_db_active_time pg_stat_get_db_blk_read_time pg_stat_get_db_blk_write_time pg_stat_get_db_blocks_fetched
  pg_stat_get_db_blocks_hit pg_stat_get_db_checksum_failures pg_stat_get_db_checksum_last_failure
  pg_stat_get_db_conflict_all pg_stat_get_db_conflict_bufferpin pg_stat_get_db_conflict_lock
  pg_stat_get_db_conflict_logicalslot pg_stat_get_db_conflict_snapshot pg_stat_get_db_conflict_startup_deadlock
  pg_stat_get_db_conflict_tablespace pg_stat_get_db_deadlocks pg_stat_get_db_idle_in_transaction_time
  pg_stat_get_db_numbackends pg_stat_get_db_parallel_workers_launched pg_stat_get_db_parallel_workers_to_launch
  pg_stat_get_db_session_time pg_stat_get_db_sessions pg_stat_get_db_sessions_abandoned pg_stat_get_db_sessions_fatal
  pg_stat_get_db_sessions_killed pg_stat_get_db_stat_reset_time pg_stat_get_db_temp_bytes pg_stat_get_db_temp_files
  pg_stat_get_db_tuples_deleted pg_stat_get_db_tuples_fetched pg_stat_get_db_tuples_inserted
  pg_stat_get_db_tuples_returned pg_stat_get_db_tuples_updated pg_stat_get_db_xact_commit pg_stat_get_db_xact_rollback
  pg_stat_get_dead_tuples pg_stat_get_function_calls pg_stat_get_function_self_time pg_stat_get_function_total_time
  pg_stat_get_ins_since_vacuum pg_stat_get_io pg_stat_get_last_analyze_time pg_stat_get_last_autoanalyze_time
  pg_stat_get_last_autovacuum_time pg_stat_get_last_vacuum_time pg_stat_get_lastscan pg_stat_get_live_tuples
  pg_stat_get_mod_since_analyze pg_stat_get_progress_info pg_stat_get_recovery_prefetch pg_stat_get_replication_slot
  pg_stat_get_slru pg_stat_get_subscription pg_stat_get_subscription_stats pg_stat_get_total_analyze_time
  pg_stat_get_total_autoanalyze_time pg_stat_get_total_autovacuum_time pg_stat_get_total_vacuum_time
  pg_stat_get_tuples_deleted pg_stat_get_tuples_fetched pg_stat_get_tuples_hot_updated pg_stat_get_tuples_inserted
  pg_stat_get_tuples_newpage_updated pg_stat_get_tuples_returned pg_stat_get_tuples_updated pg_stat_get_vacuum_count
  pg_stat_get_wal pg_stat_get_wal_receiver pg_stat_get_wal_senders pg_stat_get_xact_function_calls
  pg_stat_get_xact_function_self_time pg_stat_get_xact_function_total_time pg_stat_get_xact_numscans
  pg_stat_get_xact_tuples_deleted pg_stat_get_xact_tuples_fetched pg_stat_get_xact_tuples_hot_updated
  pg_stat_get_xact_tuples_inserted pg_stat_get_xact_tuples_newpage_updated pg_stat_get_xact_tuples_returned
  pg_stat_get_xact_tuples_updated pg_timezone_abbrevs pg_timezone_abbrevs_abbrevs pg_timezone_abbrevs_zone
  pg_timezone_names pg_type_is_visible row_security_active
`;

let names: ReadonlySet<string> | undefined;

/** What PostgreSQL's own views call, by function name (made on first use). */
export function pgSystemViewCalls(): ReadonlySet<string> {
  names ??= new Set(NAMES.trim().split(/\s+/).filter((n) => !pgActs(n)));
  return names;
}
