// A loopback port where nothing listens, held for as long as a test needs it. A port from freePort() is
// closed again at once, and a server that a concurrent test starts may take it: a "down" backend then
// answers. A socket bound but never listening refuses every connection (RST) and keeps the port ours.
import { freePort, LOOPBACK } from './ports.js';
import { hasSocketHolder, holdSocket } from './held-socket.js';

export interface ClosedPort { port: number; close(): Promise<void> }

/** Held through python3 where it is installed; otherwise (a bare machine's demo) a port free a moment ago. */
export async function holdClosedPort(host = LOOPBACK): Promise<ClosedPort> {
  if (hasSocketHolder()) return holdSocket(host, 0, false, 'connection-refused');
  return { port: await freePort(), close: async () => undefined };
}
