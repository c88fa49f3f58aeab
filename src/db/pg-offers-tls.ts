// Does a PostgreSQL server offer TLS at all? One SSLRequest, read the one-byte answer, close. Used to
// read "no pg_hba.conf entry …, no encryption": that is a TLS matter only when TLS could be had.
import net from 'node:net';
import { socketPath, type ConnectionInfo } from './url.js';

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]); // length 8, code 80877103

/** true ('S'), false ('N', or a Unix socket, where TLS never applies), undefined when it could not be asked. */
export function pgOffersTls(info: ConnectionInfo, timeoutMs: number): Promise<boolean | undefined> {
  if (socketPath(info)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect({ host: info.host, port: info.port });
    const done = (answer: boolean | undefined): void => { clearTimeout(timer); socket.destroy(); resolve(answer); };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('connect', () => socket.write(SSL_REQUEST));
    socket.once('data', (b) => done(b[0] === 0x53 ? true : b[0] === 0x4e ? false : undefined)); // 'S' / 'N'
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
  });
}
