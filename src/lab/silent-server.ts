// A loopback listener that accepts TCP connections and never sends a byte: clients
// hang in the protocol handshake until their own connect timeout fires.
import { createServer, type Server, type Socket } from 'node:net';
import { LOOPBACK } from './ports.js';

export interface SilentServer {
  port: number;
  /** Connections accepted so far (proof the client got past TCP). */
  accepted(): number;
  close(): Promise<void>;
}

export function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined); // clients reset us when they give up
    socket.on('close', () => sockets.delete(socket));
  });
  server.unref(); // a forgotten fault must not keep the process alive
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({ port, accepted: () => count, close: () => closeAll(server, sockets) });
    });
  });
}

function closeAll(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}
