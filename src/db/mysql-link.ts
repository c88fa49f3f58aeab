// What a MySQL/MariaDB login's own connection showed below the login: when TCP was up and to which address, the
// server's first packet, and the TLS session with its certificate. diagnose reads its tcp and tls layers from here
// for MySQL URLs instead of opening connections of their own (#31): MariaDB counts every connection that ends
// before a login against the client's host (max_connect_errors) — a bare TCP connect, a greeting read, a COM_QUIT,
// a TLS handshake alike (measured on 10.11, docs/decisions.md) — and a host near the limit was blocked by diagnose.
import type net from 'node:net';
import type tls from 'node:tls';
import { certFacts, type CertFacts } from './cert-facts.js';
import { parseGreeting, type MysqlGreeting } from './mysql-greeting.js';
import type { LoginClock } from './login-timeline.js';

export interface MysqlLink {
  /** From the connect call until TCP was up; absent when it never was. */
  tcpMs?: number;
  address?: string;
  family?: string;
  /** The server's first packet: its greeting, an error packet in its place (1129 host blocked, 1040), or bytes
   *  that are no MySQL packet. Absent: nothing came. */
  firstPacket?: 'greeting' | 'error' | 'not-mysql';
  greeting?: MysqlGreeting;
  /** The login asked the server for TLS (its handshake may still have failed: then `tls` is absent). */
  tlsStarted?: boolean;
  /** The TLS session the login started, judged as the tls probe judges one: chain and host name both. */
  tls?: CertFacts & { authorized: boolean; authorizationError?: string };
}

/** Node's code for a certificate without the host's name (tls.checkServerIdentity). */
const ALTNAME_INVALID = 'ERR_TLS_CERT_ALTNAME_INVALID';

interface Mysql2Core { stream?: net.Socket; startTLS?: (onSecure: (err?: Error) => void) => void }

/**
 * Watches a mysql2 connection from its creation (before any byte): TCP, the first packet beside the driver's own
 * reader, and the certificate of the TLS it starts. mysql2 creates the TLS socket inside startTLS and keeps it as
 * its `stream`; the certificate is read as the handshake ends, before Node's verification may destroy the socket.
 */
export function watchLink(conn: object, hostname: string, clock?: LoginClock): () => MysqlLink {
  const startedAt = Date.now();
  const link: MysqlLink = {};
  const core = conn as Mysql2Core;
  const stream = core.stream;
  stream?.once('connect', () => {
    link.tcpMs = Date.now() - startedAt;
    clock?.mark('tcp');
    if (stream.remoteAddress) Object.assign(link, { address: stream.remoteAddress, family: stream.remoteFamily });
  });
  let seen = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    seen = Buffer.concat([seen, chunk]);
    const greeting = parseGreeting(seen);
    if (greeting === undefined) return;
    stream?.off('data', onData);
    clock?.mark('greeting');
    link.firstPacket = greeting ? 'greeting' : seen[4] === 0xff ? 'error' : 'not-mysql';
    if (greeting) link.greeting = greeting;
  };
  stream?.on('data', onData);
  let secure: tls.TLSSocket | undefined;
  let facts: CertFacts | undefined;
  const startTls = core.startTLS;
  if (typeof startTls === 'function') {
    core.startTLS = (onSecure) => {
      link.tlsStarted = true;
      startTls.call(core, onSecure);
      secure = core.stream as tls.TLSSocket;
      // Before Node's own 'secure' handler, which destroys the socket of a certificate it rejects.
      secure.prependListener('secure', () => { clock?.mark('tls'); facts = certFacts(secure!, hostname); });
    };
  }
  return () => (facts && secure ? { ...link, tls: { ...facts, ...judged(secure, facts) } } : { ...link });
}

/** Chain from Node (mysql2 checks the host name only under verifyIdentity); the host name from the facts. */
function judged(secure: tls.TLSSocket, facts: CertFacts): { authorized: boolean; authorizationError?: string } {
  const given = secure.authorizationError ? String(secure.authorizationError) : undefined;
  const chain = given === ALTNAME_INVALID ? undefined : given;
  const error = chain ?? (facts.hostnameMatches ? undefined : ALTNAME_INVALID);
  return { authorized: error === undefined, ...(error ? { authorizationError: error } : {}) };
}

/** The link connectMysql attached to a failed connect's error. */
export function linkOf(err: unknown): MysqlLink | undefined {
  return (err as { mysqlLink?: MysqlLink } | null)?.mysqlLink;
}

/** The login's own connection reached a MySQL/MariaDB server: what a peer read would find, at the cost of one
 *  more connection the server counts. */
export function reachedMysql(link: MysqlLink | undefined): boolean {
  return link?.firstPacket === 'greeting' || link?.firstPacket === 'error';
}
