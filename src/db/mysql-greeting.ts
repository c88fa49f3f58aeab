// What a MySQL/MariaDB server says about itself in its greeting (the first packet of every connection): its
// version and whether it offers TLS. Read off the connection the login itself opens, never a second one: a
// connection closed after the greeting counts against the host's max_connect_errors.

export interface MysqlGreeting {
  /** As the server sends it, less MariaDB's "5.5.5-" replication prefix: "10.11.6-MariaDB-0+deb12u1". */
  version: string;
  /** The CLIENT_SSL capability: the server can switch this connection to TLS. */
  offersTls: boolean;
}

const CLIENT_SSL = 0x800;
/** A greeting is well under this; more bytes without one are not a greeting. */
const MAX_GREETING = 1024;

/** The greeting in the first bytes a server sent, undefined while incomplete; null when they are none. */
export function parseGreeting(bytes: Buffer): MysqlGreeting | null | undefined {
  if (bytes.length < 5) return undefined;
  const payload = bytes.subarray(4, 4 + bytes.readUIntLE(0, 3));
  if (payload[0] !== 10) return null; // 0xff: an error instead (too many connections, host blocked); else not MySQL
  const end = payload.indexOf(0, 1);
  // version NUL, connection id (4), auth data part 1 (8), filler (1), capability flags, lower 2 bytes
  const flagsAt = end + 1 + 4 + 8 + 1;
  if (end < 0 || payload.length < flagsAt + 2) return bytes.length > MAX_GREETING ? null : undefined;
  const version = payload.subarray(1, end).toString('latin1').replace(/^5\.5\.5-(?=.*mariadb)/i, '');
  return { version, offersTls: (payload.readUInt16LE(flagsAt) & CLIENT_SSL) !== 0 };
}

/** Collects the greeting from a connection's stream as it arrives, beside the driver's own reader. */
export function watchGreeting(stream: NodeJS.EventEmitter | undefined): () => MysqlGreeting | undefined {
  let seen = Buffer.alloc(0);
  let greeting: MysqlGreeting | null | undefined;
  const onData = (chunk: Buffer): void => {
    seen = Buffer.concat([seen, chunk]);
    greeting = parseGreeting(seen);
    if (greeting !== undefined) stream?.off('data', onData);
  };
  stream?.on('data', onData);
  return () => greeting ?? undefined;
}

/**
 * Whether a failed password can count against a limit on this server: MariaDB 10.4+ (max_password_errors),
 * MySQL 8.0.19+ (FAILED_LOGIN_ATTEMPTS). An unknown server might.
 */
export function countsFailedLogins(greeting: MysqlGreeting | undefined): boolean {
  const v = /^(\d+)\.(\d+)\.(\d+)/.exec(greeting?.version ?? '');
  if (!v) return true;
  const n = Number(v[1]) * 10_000 + Number(v[2]) * 100 + Number(v[3]);
  return /mariadb/i.test(greeting!.version) ? n >= 100_400 : n >= 80_019;
}

/** The greeting connectMysql attached to a failed connect's error, if it saw one. */
export function greetingOf(err: unknown): MysqlGreeting | undefined {
  return (err as { mysqlGreeting?: MysqlGreeting } | null)?.mysqlGreeting;
}
