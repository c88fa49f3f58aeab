// A plain TCP relay on `host:port` to a server on 127.0.0.1:`target`: a second address of a name that leads to the
// same server (test/diagnose/address-order.test.ts, test/runbooks/address-walk.test.ts).
import { createServer, connect, type Server, type Socket } from 'node:net';

export function plainRelay(host: string, port: number, target: number): Promise<{ close(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: target });
    for (const s of [client, upstream]) { sockets.add(s); s.on('error', () => s.destroy()); }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ close: () => { for (const s of sockets) s.destroy(); server.close(); } }));
  });
}
