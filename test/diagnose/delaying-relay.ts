// A relay on loopback that delivers every chunk `delayMs` late, both ways, in order: a slow network path
// between the application and its server, without touching the machine's network.
import { createServer, connect, type Server, type Socket } from 'node:net';

export function delayingRelay(target: number, delayMs: number): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: target });
    for (const s of [client, upstream]) { sockets.add(s); s.on('error', () => undefined); }
    const later = (to: Socket) => (chunk: Buffer) => { setTimeout(() => { if (!to.destroyed) to.write(chunk); }, delayMs); };
    client.on('data', later(upstream));
    upstream.on('data', later(client));
    client.on('close', () => setTimeout(() => upstream.destroy(), delayMs));
    upstream.on('close', () => setTimeout(() => client.destroy(), delayMs));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    resolve({ port: typeof addr === 'object' && addr ? addr.port : 0, close: () => { for (const s of sockets) s.destroy(); server.close(); } });
  }));
}
