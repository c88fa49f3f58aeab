// Would the PostgreSQL port take a startup packet like the one JDBC sends? node-postgres sends only user,
// database, client_encoding and application_name; PgJDBC adds extra_float_digits (and DateStyle, TimeZone),
// which PgBouncer refuses unless ignore_startup_parameters lists it: "unsupported startup parameter". That is
// checked before any password, so one startup packet tells, and the connection is closed at the server's
// first answer (an authentication request: accepted). No password is sent, so nothing counts as a failed login.
import net from 'node:net';
import tls from 'node:tls';
import { socketPath, type ConnectionInfo } from './url.js';

/** What PgJDBC 42 sends at startup beside user and database (TimeZone is the JVM's; any valid zone will do). */
export const JDBC_STARTUP: Readonly<Record<string, string>> = {
  client_encoding: 'UTF8', DateStyle: 'ISO', TimeZone: 'UTC', extra_float_digits: '2', application_name: 'PostgreSQL JDBC Driver',
};

export type StartupAnswer =
  | { accepted: true }
  | { accepted: false; code: string; message: string }
  | { accepted: undefined; reason: string };

const PROTOCOL_3 = 196608;
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** Sends one startup packet (over TLS when `overTls`, unverified: no secret is sent) and reads the first answer. */
export async function pgStartupAnswer(info: ConnectionInfo, params: Record<string, string>, overTls: boolean, timeoutMs: number): Promise<StartupAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  let socket: net.Socket | undefined;
  try {
    const path = socketPath(info);
    socket = await connected(path ? net.connect({ path }) : net.connect({ host: info.host, port: info.port }), signal);
    if (overTls && !path) {
      socket.write(SSL_REQUEST);
      const yes = await firstBytes(socket, () => 1, signal);
      if (yes[0] !== 0x53) return { accepted: undefined, reason: 'the server no longer offers TLS' };
      socket = await secured(socket, info.host, signal);
    }
    socket.write(startupPacket({ user: info.user, database: info.database || info.user, ...params }));
    // The first message: a type byte, its length (4, counting itself), the rest.
    const message = await firstBytes(socket, (seen) => (seen.length < 5 ? 5 : 1 + seen.readUInt32BE(1)), signal);
    const type = String.fromCharCode(message[0]!);
    if (type === 'R') return { accepted: true };
    if (type !== 'E') return { accepted: undefined, reason: `unexpected first answer '${type}'` };
    const fields = errorFields(message.subarray(5, 1 + message.readUInt32BE(1)));
    return { accepted: false, code: fields.C ?? '', message: fields.M ?? '' };
  } catch (err) {
    return { accepted: undefined, reason: String((err as { message?: unknown }).message ?? err) };
  } finally {
    socket?.destroy();
  }
}

function startupPacket(params: Record<string, string>): Buffer {
  const pairs = Buffer.from(Object.entries(params).flatMap(([k, v]) => [k, v]).map((s) => `${s}\0`).join('') + '\0', 'utf8');
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + pairs.length, 0);
  head.writeUInt32BE(PROTOCOL_3, 4);
  return Buffer.concat([head, pairs]);
}

/** ErrorResponse fields: a type byte, a NUL-terminated value, …, then NUL. */
function errorFields(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const end = body.indexOf(0, at + 1);
    if (end < 0) break;
    out[String.fromCharCode(body[at]!)] = body.toString('utf8', at + 1, end);
    at = end + 1;
  }
  return out;
}

function connected(socket: net.Socket, signal: AbortSignal): Promise<net.Socket> {
  return settle(socket, signal, (resolve) => socket.once('connect', () => resolve(socket)));
}

function secured(socket: net.Socket, host: string, signal: AbortSignal): Promise<net.Socket> {
  const secure = tls.connect({ socket, rejectUnauthorized: false, ...(net.isIP(host) ? {} : { servername: host }) });
  return settle(secure, signal, (resolve) => secure.once('secureConnect', () => resolve(secure)));
}

/** The first bytes the socket receives, until `need(seen)` are there (more may have come: only the first answer is read). */
function firstBytes(socket: net.Socket, need: (seen: Buffer) => number, signal: AbortSignal): Promise<Buffer> {
  return settle(socket, signal, (resolve) => {
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      if (seen.length < need(seen)) return;
      socket.off('data', onData);
      socket.pause();
      resolve(seen);
    };
    socket.on('data', onData);
    socket.resume();
  });
}

function settle<T>(socket: net.Socket, signal: AbortSignal, start: (resolve: (v: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fail = (err: unknown): void => { cleanup(); reject(err); };
    const closed = (): void => fail(new Error('the server closed the connection'));
    const aborted = (): void => fail(new Error('no answer in time'));
    const cleanup = (): void => { socket.off('error', fail); socket.off('close', closed); signal.removeEventListener('abort', aborted); };
    socket.once('error', fail);
    socket.once('close', closed);
    if (signal.aborted) return aborted();
    signal.addEventListener('abort', aborted, { once: true });
    start((v) => { cleanup(); resolve(v); });
  });
}
