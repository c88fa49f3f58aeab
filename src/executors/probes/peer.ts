// What answers on a port, read from one exchange: a MySQL/MariaDB server speaks first (its greeting:
// protocol version 10 and the server version); a PostgreSQL server waits, then answers an SSLRequest with
// one byte, 'S' or 'N'; a TLS terminator (stunnel, a TLS load balancer) resets it or answers with a TLS
// record, and completes a TLS handshake from the first byte; a proxy whose backend is down, or whose queue
// is full, accepts and then closes without a byte. A login
// alone reads all of these as a timeout, a lost connection or a garbled answer.
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export type Peer =
  /** answeredMs: how long after the client's first byte (or after connecting, for a greeting) the answer came. */
  | { kind: 'postgres' | 'mysql'; said: string; answeredMs?: number }
  /** behindClosed: the TLS session closed right after the handshake, with no answer to our request (#48). */
  | { kind: 'tls'; said: string; behindClosed?: boolean }
  | { kind: 'closed'; afterMs: number; said: string }
  | { kind: 'unknown'; said: string };

/** The SSLRequest a PostgreSQL client sends first: length 8, code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
/** How long a server that speaks first (MySQL) gets to do so before the client speaks. */
const GREETING_MS = 300;

export async function readPeer(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Peer> {
  const startedAt = Date.now();
  const plain = await exchange(host, port, timeoutMs, signal);
  // Reset or closed by our plain request, or an answer nobody speaks: a TLS handshake from the first byte tells
  // a TLS terminator (OpenSSL resets a plain request) from a proxy that had nothing to give.
  const mayBeTls = plain.kind === 'unknown' && /ECONNRESET|bytes starting/.test(plain.said)
    || plain.kind === 'closed';
  if (!mayBeTls || signal?.aborted) return plain;
  const tls = await speaksTls(host, port, Math.max(500, timeoutMs - (Date.now() - startedAt)), signal);
  if (tls === 'no') return plain;
  return tls === 'closed' ? { ...TLS_FIRST, behindClosed: true, said: `${TLS_FIRST.said}; then it closed the TLS session at once, with no answer to a request: the service behind the terminator is down or refuses it` } : TLS_FIRST;
}

const TLS_FIRST: Extract<Peer, { kind: 'tls' }> = { kind: 'tls', said: 'a TLS handshake succeeds from the first byte, where a plain-text start is refused: the port expects TLS from the first byte' };

/** How long, after a TLS handshake, the service behind a terminator gets to answer (or the terminator to close). */
const BEHIND_MS = 2_000;

/**
 * Whether a TLS handshake completes on the port (no verification: only the protocol is asked), and then what is
 * behind it: a terminator (stunnel) handshakes first and connects its backend after, closing the session at once
 * when that backend is down. An SSLRequest inside the session gets PostgreSQL's answer (a MySQL server greets
 * first): 'alive'; a close: 'closed'; neither in time: 'open'.
 */
function speaksTls(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<'no' | 'alive' | 'closed' | 'open'> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, servername: undefined });
    let shook = false;
    let timer = setTimeout(() => finish('no'), timeoutMs);
    function finish(r: 'no' | 'alive' | 'closed' | 'open'): void { clearTimeout(timer); socket.destroy(); resolve(r); }
    signal?.addEventListener('abort', () => finish(shook ? 'open' : 'no'), { once: true });
    socket.on('secureConnect', () => {
      shook = true;
      clearTimeout(timer);
      timer = setTimeout(() => finish('open'), Math.min(BEHIND_MS, timeoutMs));
      socket.write(SSL_REQUEST);
    });
    socket.on('data', () => finish('alive'));
    socket.on('close', () => finish(shook ? 'closed' : 'no'));
    socket.on('error', () => finish(shook ? 'closed' : 'no'));
  });
}

function exchange(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Peer> {
  return new Promise((resolve) => {
    // performance.now() and the request's own send time: a timer may fire a millisecond before Date.now() says
    // GREETING_MS passed, and "answered at once (-1 ms)" was the result.
    const startedAt = performance.now();
    const socket = connect({ host, port });
    let sent = false;
    let sentAt = startedAt;
    let done = false;
    const finish = (p: Peer): void => {
      if (done) return;
      done = true;
      clearTimeout(greeting);
      clearTimeout(overall);
      socket.destroy();
      resolve(p);
    };
    const greeting = setTimeout(() => { sent = true; sentAt = performance.now(); socket.write(SSL_REQUEST); }, GREETING_MS);
    const overall = setTimeout(() => finish({ kind: 'unknown', said: `nothing within ${timeoutMs} ms` }), timeoutMs);
    signal?.addEventListener('abort', () => finish({ kind: 'unknown', said: 'not waited for' }), { once: true });
    socket.on('data', (data: Buffer) => {
      const peer = read(data, sent);
      // A greeting is timed from the connect (the server speaks first); an answer, from our request.
      const answeredMs = Math.round(performance.now() - (sent && peer.kind !== 'mysql' ? sentAt : startedAt));
      finish(peer.kind === 'postgres' || peer.kind === 'mysql' ? { ...peer, answeredMs } : peer);
    });
    socket.on('error', (err) => finish({ kind: 'unknown', said: err.message }));
    socket.on('close', () => {
      const afterMs = Math.round(performance.now() - startedAt);
      finish({ kind: 'closed', afterMs, said: `accepted, then closed after ${(afterMs / 1000).toFixed(1)} s without sending a byte` });
    });
  });
}

function read(data: Buffer, afterRequest: boolean): Peer {
  // MySQL packet: 3-byte length, sequence 0, then protocol version 10 and a NUL-terminated version string. A slow
  // server's greeting may come after our request was sent (#48): it is still a greeting, never PostgreSQL's answer
  // (one byte).
  if (data.length > 5 && data[3] === 0 && data[4] === 10 && data.indexOf(0, 5) > 5) {
    const version = data.subarray(5, Math.max(5, data.indexOf(0, 5))).toString('latin1');
    return { kind: 'mysql', said: `a MySQL/MariaDB greeting (server ${version})` };
  }
  if (afterRequest && data.length === 1 && (data[0] === 0x53 || data[0] === 0x4e)) {
    return { kind: 'postgres', said: `PostgreSQL's answer to an SSLRequest ('${String.fromCharCode(data[0]!)}')` };
  }
  // A TLS record: alert (21) or handshake (22), protocol version 3.x.
  if (afterRequest && data.length >= 5 && (data[0] === 21 || data[0] === 22) && data[1] === 3) {
    return { kind: 'tls', said: 'a TLS record in answer to a plain-text request: the port expects TLS from the first byte' };
  }
  return { kind: 'unknown', said: `${data.length} bytes starting ${data.subarray(0, 8).toString('hex')}` };
}

/** What a peer that is not the URL's engine means for the application, or undefined when it is that engine
 *  (or nothing could be read). */
export function peerFinding(peer: Peer, engine: 'postgres' | 'mysql' | 'mariadb', where: string): { classification: 'protocol-mismatch' | 'proxy-closed' | 'tls-terminator'; summary: string } | undefined {
  const wanted = engine === 'postgres' ? 'postgres' : 'mysql';
  if (peer.kind === 'postgres' || peer.kind === 'mysql') {
    if (peer.kind === wanted) return undefined;
    const speaks = peer.kind === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB';
    return { classification: 'protocol-mismatch', summary: `${where} speaks ${speaks} (${peer.said}), but the URL is ${engine}://: fix the scheme or the port` };
  }
  if (peer.kind === 'tls' && peer.behindClosed) return { classification: 'proxy-closed', summary: `${where}: ${peer.said}` };
  if (peer.kind === 'tls') return { classification: 'tls-terminator', summary: `${where}: ${peer.said}` };
  if (peer.kind === 'closed') return { classification: 'proxy-closed', summary: `${where} ${peer.said}: something between (a proxy or load balancer) took the connection and had no database to give it` };
  return undefined;
}
