// Which database engine answers on a port, by one exchange of its protocol: a MySQL/MariaDB server speaks
// first (its greeting: protocol version 10, then the server version), a PostgreSQL server waits for the
// client and answers an SSLRequest with one byte, 'S' or 'N'. A URL naming the other engine otherwise
// shows up as a timeout (mysql2 waits for a greeting that never comes) or a garbled TLS answer (pg).
import { connect, type Socket } from 'node:net';

export type Sniffed = { engine: 'postgres' | 'mysql'; said: string } | { engine: 'unknown'; said: string };

/** The SSLRequest a PostgreSQL client sends first: length 8, code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
/** How long a server that speaks first (MySQL) gets to do so before the client speaks. */
const GREETING_MS = 300;

export function sniffEngine(host: string, port: number, timeoutMs: number): Promise<Sniffed> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let sent = false;
    let done = false;
    const finish = (s: Sniffed): void => {
      if (done) return;
      done = true;
      clearTimeout(greeting);
      clearTimeout(overall);
      socket.destroy();
      resolve(s);
    };
    const greeting = setTimeout(() => { sent = true; socket.write(SSL_REQUEST); }, GREETING_MS);
    const overall = setTimeout(() => finish({ engine: 'unknown', said: 'nothing' }), timeoutMs);
    socket.on('data', (data: Buffer) => finish(read(data, sent)));
    socket.on('error', (err) => finish({ engine: 'unknown', said: err.message }));
    socket.on('close', () => finish({ engine: 'unknown', said: 'the connection was closed' }));
    keepQuiet(socket);
  });
}

function read(data: Buffer, afterRequest: boolean): Sniffed {
  // MySQL packet: 3-byte length, sequence 0, then protocol version 10 and a NUL-terminated version string.
  if (!afterRequest && data.length > 5 && data[3] === 0 && data[4] === 10) {
    const version = data.subarray(5, Math.max(5, data.indexOf(0, 5))).toString('latin1');
    return { engine: 'mysql', said: `a MySQL/MariaDB greeting (server ${version})` };
  }
  if (afterRequest && data.length === 1 && (data[0] === 0x53 || data[0] === 0x4e)) {
    return { engine: 'postgres', said: `PostgreSQL's answer to an SSLRequest ('${String.fromCharCode(data[0]!)}')` };
  }
  return { engine: 'unknown', said: `${data.length} bytes starting ${data.subarray(0, 8).toString('hex')}` };
}

/** A sniff ends by destroying the socket: an error after that says nothing. */
function keepQuiet(socket: Socket): void {
  socket.on('error', () => undefined);
}
