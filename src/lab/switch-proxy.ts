// A loopback TCP proxy whose behaviour a test (or a bench) switches while clients use it: `forward` (a
// working server behind it), `refuse` (nothing listens: connect gets ECONNREFUSED, open connections are
// reset), `silent` (connections are accepted and kept, and nothing passes either way: a server that hangs).
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { LOOPBACK } from './ports.js';

export type ProxyMode = 'forward' | 'refuse' | 'silent';

export interface SwitchProxy {
  port: number;
  mode(): ProxyMode;
  set(mode: ProxyMode): Promise<void>;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startSwitchProxy(target: { host: string; port: number }, initial: ProxyMode = 'forward'): Promise<SwitchProxy> {
  let mode: ProxyMode = initial;
  let count = 0;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => { sockets.add(s); s.on('error', () => undefined); s.on('close', () => sockets.delete(s)); };
  const onClient = (client: Socket) => {
    count++;
    track(client);
    const upstream = createConnection(target);
    track(upstream);
    // Data passes only while forwarding; in silent mode it is swallowed and both ends wait.
    client.on('data', (d) => { if (mode === 'forward') upstream.write(d); });
    upstream.on('data', (d) => { if (mode === 'forward') client.write(d); });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => { if (mode !== 'silent') client.destroy(); });
  };
  let server: Server | undefined;
  let port = 0;
  const listen = () => new Promise<void>((resolve, reject) => {
    const s = createServer(onClient);
    s.unref();
    s.once('error', reject);
    s.listen(port, LOOPBACK, () => {
      const addr = s.address();
      port = typeof addr === 'object' && addr ? addr.port : port;
      server = s;
      resolve();
    });
  });
  const unlisten = async () => {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  if (initial === 'refuse') await unlisten();
  return {
    get port() { return port; },
    mode: () => mode,
    accepted: () => count,
    async set(next) {
      if (next === mode) return;
      const was = mode;
      mode = next;
      if (next === 'refuse') await unlisten();
      else if (was === 'refuse') await listen();
    },
    close: unlisten,
  };
}
