// The application host, as a lab server sees it: a TCP relay on 127.0.0.1 whose connections reach the server
// from APP_HOST.address. MariaDB never counts connection errors from 127.0.0.1 (its own host), so a fault about a
// client host (host-blocked) needs the clients to come from another address; every client of the relay's port
// comes from the same one, as every process on one application host does.
import { createConnection, createServer, type Socket } from 'node:net';
import { LOOPBACK } from './ports.js';
import { APP_HOST } from './types.js';

export interface AppHostRelay {
  /** The relay's port on 127.0.0.1: a URL with it reaches the server from the application host. */
  port: number;
  close(): Promise<void>;
}

export async function startAppHostRelay(target: { host: string; port: number }): Promise<AppHostRelay> {
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => { sockets.add(s); s.on('error', () => undefined); s.on('close', () => sockets.delete(s)); };
  const server = createServer((client) => {
    track(client);
    const upstream = createConnection({ ...target, localAddress: APP_HOST.address });
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side gone: the other goes too, at once (a half-open relay would hide a close from the server).
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.unref();
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
  });
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
