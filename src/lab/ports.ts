// Loopback-only port helpers. The lab never touches any non-loopback address.
import { createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * An ephemeral loopback port that was free a moment ago. Binding and closing leaves
 * a tiny race with other processes; server start-up retries on "address in use".
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, LOOPBACK, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Log phrases both engines use when their port is taken. */
export const PORT_IN_USE = /address already in use|bind on tcp\/ip port|could not create listen socket|errno: 98/i;
