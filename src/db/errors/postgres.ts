// PostgreSQL: every SQLSTATE of classes 08, 28, 3D, 53, 55 and 57, the read-only and session-timeout
// codes of class 25, and 42501, with the texts that tell apart the causes sharing one code.
import { PG_ERRCODES as S, type ErrorRow } from './row.js';

const row = (code: string, name: string, classification: ErrorRow['classification'], sample: string, text?: RegExp): ErrorRow =>
  ({ family: 'postgres', code, name, classification, sample, source: S, ...(text ? { text } : {}) });

export const POSTGRES_ROWS: ErrorRow[] = [
  // Class 08: the connection itself.
  row('08000', 'connection_exception', 'connection-lost', 'connection exception'),
  row('08003', 'connection_does_not_exist', 'connection-lost', 'connection does not exist'),
  row('08006', 'connection_failure', 'connection-lost', 'could not receive data from server'),
  row('08001', 'sqlclient_unable_to_establish_sqlconnection', 'refused', 'could not connect to server'),
  row('08004', 'sqlserver_rejected_establishment_of_sqlconnection', 'too-many-connections',
    'number of requested standby connections exceeds max_wal_senders (currently 0)'),
  row('08007', 'transaction_resolution_unknown', 'connection-lost', 'transaction resolution unknown'),
  row('08P01', 'protocol_violation', 'protocol-mismatch', 'unsupported frontend protocol 1234.5678: server supports 3.0 to 3.2',
    /startup packet|frontend protocol|expected \w+ response/i),
  // PgBouncer answers every error with 08P01 too (clients.ts): a text neither knows stays unexplained.
  row('08P01', 'protocol_violation', 'other', 'an 08P01 text neither PostgreSQL nor PgBouncer is known to send'),
  // Class 28: who may log in. 28000 covers pg_hba.conf, roles and the method a line names.
  row('28000', 'invalid_authorization_specification', 'ssl-required',
    'no pg_hba.conf entry for host "127.0.0.1", user "app", database "db", no encryption', /no pg_hba\.conf entry.*no encryption/i),
  // A reject line matched. When the line is hostnossl and a hostssl line admits the client, TLS is what is missing:
  // open.ts asks (pgRejectedPlain).
  row('28000', 'invalid_authorization_specification', 'auth',
    'pg_hba.conf rejects connection for host "127.0.0.1", user "app", database "db", no encryption', /pg_hba\.conf rejects connection/i),
  row('28000', 'invalid_authorization_specification', 'account-locked', 'role "app" is not permitted to log in', /is not permitted to log in/i),
  row('28000', 'invalid_authorization_specification', 'auth-method', 'Peer authentication failed for user "app"',
    /(peer|ident) authentication failed/i),
  row('28000', 'invalid_authorization_specification', 'auth', 'role "nobody" does not exist'),
  row('28P01', 'invalid_password', 'auth', 'password authentication failed for user "app"'),
  // Class 3D
  row('3D000', 'invalid_catalog_name', 'database-missing', 'database "x" does not exist'),
  // Class 53: the server is out of something. Slots first: a role's or a database's limit is 53300 too.
  row('53300', 'too_many_connections', 'too-many-connections', 'sorry, too many clients already'),
  row('53000', 'insufficient_resources', 'server-resources', 'insufficient resources'),
  row('53100', 'disk_full', 'server-resources', 'could not extend file "base/16384/16385": No space left on device'),
  row('53200', 'out_of_memory', 'server-resources', 'out of memory'),
  row('53400', 'configuration_limit_exceeded', 'server-resources', 'too many range table entries'),
  // Class 55: the object is not in a state to be used. At login, only a database closed to connections.
  row('55000', 'object_not_in_prerequisite_state', 'database-closed',
    'database "app" is not currently accepting connections', /not currently accepting connections/i),
  row('55000', 'object_not_in_prerequisite_state', 'other', 'sequence "s" has not been defined in this session yet'),
  row('55006', 'object_in_use', 'other', 'database "app" is being accessed by other users'),
  row('55P02', 'cant_change_runtime_param', 'other', 'parameter "max_connections" cannot be changed without restarting the server'),
  row('55P03', 'lock_not_available', 'timeout', 'canceling statement due to lock timeout'),
  row('55P04', 'unsafe_new_enum_value_usage', 'other', 'unsafe use of new value "x" of enum type e'),
  // Class 57: someone or something ended the work.
  row('57000', 'operator_intervention', 'connection-lost', 'operator intervention'),
  row('57014', 'query_canceled', 'timeout', 'canceling statement due to statement timeout'),
  row('57P01', 'admin_shutdown', 'connection-lost', 'terminating connection due to administrator command'),
  row('57P02', 'crash_shutdown', 'connection-lost', 'terminating connection because of crash of another server process'),
  row('57P03', 'cannot_connect_now', 'standby', 'the database system is not accepting connections',
    /hot standby|consistent recovery state|not yet accepting connections|not accepting connections/i),
  row('57P03', 'cannot_connect_now', 'server-starting', 'the database system is starting up'),
  row('57P04', 'database_dropped', 'database-missing', 'terminating connection because database "app" was dropped'),
  row('57P05', 'idle_session_timeout', 'session-timeout', 'terminating connection due to idle-session timeout'),
  // Class 25: the transaction's state. A write on a read-only server, or a session ended for idling in one.
  row('25006', 'read_only_sql_transaction', 'not-read-only', 'cannot execute UPDATE in a read-only transaction'),
  row('25P03', 'idle_in_transaction_session_timeout', 'session-timeout',
    'terminating connection due to idle-in-transaction timeout'),
  row('25P04', 'transaction_timeout', 'session-timeout', 'terminating connection due to transaction timeout'),
  // Class 42: a privilege missing at login (CONNECT on the database) or later.
  row('42501', 'insufficient_privilege', 'privilege', 'permission denied for database "app"'),
];

/** A SQLSTATE not in the table: its class says what it is about, where the class is about connecting. */
export const POSTGRES_CLASSES: Record<string, ErrorRow['classification']> = {
  '08': 'connection-lost', '28': 'auth', '3D': 'database-missing', '53': 'server-resources', '57': 'connection-lost',
};
