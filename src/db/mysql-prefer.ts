// sslmode=prefer (ssl-mode=PREFERRED) on MySQL/MariaDB as the mysql client does it: one connection, TLS when the
// server's greeting offers it, else plain text on that same connection. mysql2 has no such mode: asked for TLS by a
// server without it, it closes after the greeting, and MariaDB counts that connection against the client's host
// (max_connect_errors) before the plain retry even starts (#31: measured, one per login).
import type net from 'node:net';
import { parseGreeting } from './mysql-greeting.js';

interface Mysql2Core { stream?: net.Socket; config?: { ssl?: unknown } }

/** Reads the greeting before the driver's own reader (which decides on TLS from its config as it parses it) and
 *  drops the TLS request when the server offers none. */
export function plainIfNoTls(conn: object): void {
  const core = conn as Mysql2Core;
  let seen = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    seen = Buffer.concat([seen, chunk]);
    const greeting = parseGreeting(seen);
    if (greeting === undefined) return;
    core.stream?.off('data', onData);
    if (greeting && !greeting.offersTls && core.config) core.config.ssl = undefined;
  };
  core.stream?.prependListener('data', onData);
}
