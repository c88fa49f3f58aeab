// MariaDB and MySQL: every server error a login or an idle session can get, and the client errors
// mysql2 reports by number. Where the two servers give one number two meanings (4031, 4150, 4151),
// the row carries the text that tells them apart.
import { MARIADB_ERRORS, MYSQL_ERRORS, type ErrorFamily, type ErrorRow } from './row.js';

type Cls = ErrorRow['classification'];
const row = (family: ErrorFamily, code: number, name: string, classification: Cls, sample: string, text?: RegExp): ErrorRow =>
  ({ family, code: String(code), name, classification, sample, source: family === 'mysql' ? MYSQL_ERRORS : MARIADB_ERRORS,
    ...(text ? { text } : {}) });
/** The same number and meaning on both servers: listed once, under MariaDB's header. */
const both = (code: number, name: string, classification: Cls, sample: string, text?: RegExp): ErrorRow =>
  row('mariadb', code, name, classification, sample, text);

export const MYSQL_ROWS: ErrorRow[] = [
  // Slots: server-wide, per account, per hour.
  both(1040, 'ER_CON_COUNT_ERROR', 'too-many-connections', 'Too many connections'),
  both(1203, 'ER_TOO_MANY_USER_CONNECTIONS', 'too-many-connections', "User app already has more than 'max_user_connections' active connections"),
  both(1226, 'ER_USER_LIMIT_REACHED', 'too-many-connections',
    "User 'app' has exceeded the 'max_user_connections' resource (current value: 2)", /'max_user_connections'/),
  both(1226, 'ER_USER_LIMIT_REACHED', 'quota-exceeded', "User 'app' has exceeded the 'max_connections_per_hour' resource (current value: 10)"),
  // Who may log in, and how.
  both(1045, 'ER_ACCESS_DENIED_ERROR', 'password-missing', "Access denied for user 'app'@'localhost' (using password: NO)", /using password: NO/),
  both(1045, 'ER_ACCESS_DENIED_ERROR', 'auth', "Access denied for user 'app'@'localhost' (using password: YES)"),
  both(1698, 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR', 'auth-method', "Access denied for user 'root'@'localhost'"),
  both(1130, 'ER_HOST_NOT_PRIVILEGED', 'auth', "Host '10.0.0.5' is not allowed to connect to this MariaDB server"),
  both(1129, 'ER_HOST_IS_BLOCKED', 'host-blocked',
    "Host '127.0.0.1' is blocked because of many connection errors; unblock with 'mariadb-admin flush-hosts'"),
  both(1251, 'ER_NOT_SUPPORTED_AUTH_MODE', 'auth-method',
    'Client does not support authentication protocol requested by server; consider upgrading MariaDB client'),
  both(1275, 'ER_SERVER_IS_IN_SECURE_AUTH_MODE', 'auth-method',
    "Server is running in --secure-auth mode, but 'app'@'localhost' has a password in the old format"),
  both(1044, 'ER_DBACCESS_DENIED_ERROR', 'database-missing', "Access denied for user 'app'@'%' to database 'x'"),
  both(1049, 'ER_BAD_DB_ERROR', 'database-missing', "Unknown database 'x'"),
  both(1820, 'ER_MUST_CHANGE_PASSWORD', 'password-expired', 'You must SET PASSWORD before executing this statement'),
  both(1862, 'ER_MUST_CHANGE_PASSWORD_LOGIN', 'password-expired',
    'Your password has expired. To log in you must change it using a client that supports expired passwords'),
  row('mariadb', 4150, 'ER_USER_IS_BLOCKED', 'too-many-login-failures',
    "User is blocked because of too many credential errors; unblock with 'FLUSH PRIVILEGES'", /blocked because of too many credential errors/i),
  row('mariadb', 4151, 'ER_ACCOUNT_HAS_BEEN_LOCKED', 'account-locked', 'Access denied, this account is locked', /account is locked/i),
  row('mysql', 3118, 'ER_ACCOUNT_HAS_BEEN_LOCKED', 'account-locked', "Access denied for user 'app'@'localhost'. Account is locked."),
  row('mysql', 3955, 'ER_USER_ACCESS_DENIED_FOR_USER_ACCOUNT_BLOCKED_BY_PASSWORD_LOCK', 'too-many-login-failures',
    "Access denied for user 'app'@'localhost'. Account is blocked for 1 day(s) (1 day(s) remaining) due to 3 consecutive failed logins."),
  row('mysql', 3159, 'ER_SECURE_TRANSPORT_REQUIRED', 'ssl-required',
    'Connections using insecure transport are prohibited while --require_secure_transport=ON.'),
  // The server ends or refuses the session.
  both(1053, 'ER_SERVER_SHUTDOWN', 'server-starting', 'Server shutdown in progress'),
  row('mysql', 3032, 'ER_SERVER_OFFLINE_MODE', 'database-closed', 'The server is currently in offline mode'),
  both(1184, 'ER_NEW_ABORTING_CONNECTION', 'init-connect-failed',
    "Aborted connection 12 to db: 'app' user: 'app' host: 'localhost' (init_connect command failed)", /\binit_connect\b/i),
  both(1184, 'ER_NEW_ABORTING_CONNECTION', 'connection-lost', "Aborted connection 12 to db: 'app' user: 'app' host: 'localhost' (Got an error reading communication packets)"),
  both(1152, 'ER_ABORTING_CONNECTION', 'connection-lost', "Aborted connection 12 to db: 'app' user: 'app' (Got timeout reading communication packets)"),
  row('mariadb', 1927, 'ER_CONNECTION_KILLED', 'connection-lost', 'Connection was killed'),
  row('mysql', 4031, 'ER_CLIENT_INTERACTION_TIMEOUT', 'session-timeout',
    'The client was disconnected by the server because of inactivity. See wait_timeout and interactive_timeout for configuring this behavior.',
    /disconnected by the server because of inactivity/i),
  both(1158, 'ER_NET_READ_ERROR', 'connection-lost', 'Got an error reading communication packets'),
  both(1159, 'ER_NET_READ_INTERRUPTED', 'timeout', 'Got timeout reading communication packets'),
  both(1160, 'ER_NET_ERROR_ON_WRITE', 'connection-lost', 'Got an error writing communication packets'),
  both(1161, 'ER_NET_WRITE_INTERRUPTED', 'timeout', 'Got timeout writing communication packets'),
  both(1043, 'ER_HANDSHAKE_ERROR', 'protocol-mismatch', 'Bad handshake'),
  // Out of resources while taking the connection.
  both(1041, 'ER_OUT_OF_RESOURCES', 'server-resources', 'Out of memory; check if mysqld or some other process uses all available memory'),
  both(1135, 'ER_CANT_CREATE_THREAD', 'server-resources', "Can't create a new thread (errno 11); if you are not out of available memory, you can consult the manual"),
  // A read-only server, and a statement stopped by the server.
  both(1290, 'ER_OPTION_PREVENTS_STATEMENT', 'read-only-server',
    'The MariaDB server is running with the --read-only option so it cannot execute this statement', /--(super-)?read-only/),
  both(1290, 'ER_OPTION_PREVENTS_STATEMENT', 'other', 'The MariaDB server is running with the --skip-grant-tables option so it cannot execute this statement'),
  both(1836, 'ER_READ_ONLY_MODE', 'read-only-server', 'Running in read-only mode'),
  both(1792, 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', 'not-read-only', 'Cannot execute statement in a READ ONLY transaction'),
  both(1317, 'ER_QUERY_INTERRUPTED', 'timeout', 'Query execution was interrupted'),
  row('mariadb', 1969, 'ER_STATEMENT_TIMEOUT', 'timeout', 'Query execution was interrupted (max_statement_time exceeded)'),
  row('mysql', 3024, 'ER_QUERY_TIMEOUT', 'timeout', 'Query execution was interrupted, maximum statement execution time exceeded'),
  // Privileges on what the session uses.
  both(1142, 'ER_TABLEACCESS_DENIED_ERROR', 'privilege', "SELECT command denied to user 'app'@'localhost' for table 'users'"),
  both(1143, 'ER_COLUMNACCESS_DENIED_ERROR', 'privilege', "SELECT command denied to user 'app'@'localhost' for column 'id' in table 'users'"),
  both(1227, 'ER_SPECIFIC_ACCESS_DENIED_ERROR', 'privilege', 'Access denied; you need (at least one of) the PROCESS privilege(s) for this operation'),
  both(1370, 'ER_PROCACCESS_DENIED_ERROR', 'privilege', "execute command denied to user 'app'@'localhost' for routine 'app.f'"),
  // Client errors (libmysqlclient numbers, which mysql2 uses for a connection that went away).
  both(2013, 'CR_SERVER_LOST', 'connection-lost', 'Lost connection to server during query'),
  both(2006, 'CR_SERVER_GONE_ERROR', 'connection-lost', 'Server has gone away'),
];
