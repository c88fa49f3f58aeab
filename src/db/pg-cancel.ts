// PostgreSQL's own cancel message: 16 bytes (length, 80877102, backend pid, secret key) on a fresh
// socket, which the server closes once it has signalled the backend. It needs no login and no
// connection slot, so it still works when the server is out of connections, which is when a
// runbook is most likely to be cancelling something.
import net from 'node:net';

const CANCEL_REQUEST_CODE = 80877102;

export interface BackendKey { pid: number; secret: number }

/** `signal` (the canceller giving up) drops the socket, so a frozen server leaves nothing behind. */
export function sendCancelRequest(host: string, port: number, key: BackendKey, signal?: AbortSignal, timeoutMs = 2000): Promise<void> {
  const message = Buffer.alloc(16);
  message.writeInt32BE(16, 0);
  message.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  message.writeInt32BE(key.pid, 8);
  message.writeInt32BE(key.secret, 12);
  // A host starting with '/' is a Unix socket directory, as in libpq.
  const target = host.startsWith('/') ? { path: `${host}/.s.PGSQL.${port}` } : { host, port };
  return new Promise((resolve, reject) => {
    const socket = net.connect(target, () => socket.end(message));
    const timer = setTimeout(() => socket.destroy(new Error('cancel request: no answer')), timeoutMs);
    const onAbort = () => socket.destroy(new Error('cancel request: given up'));
    if (signal?.aborted) onAbort(); else signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); };
    socket.on('error', (err) => { settle(); reject(err); });
    socket.on('close', (hadError) => { settle(); if (!hadError) resolve(); });
    socket.resume(); // the server sends nothing; draining lets 'close' fire
  });
}
