// What a database server wants before TLS starts on its port.
// PostgreSQL: the client sends an 8-byte SSLRequest; the server answers 'S' (go ahead) or 'N'.
// MySQL/MariaDB: the server speaks first (a handshake packet whose capability flags say whether it
// offers TLS); the client answers with a 32-byte SSL request packet, then starts TLS.
import type net from 'node:net';
import { readBytes } from './socket.js';

export type Preamble = { tls: true } | { tls: false; reason: string };

const PG_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]); // length 8, code 80877103

export async function pgPreamble(socket: net.Socket, signal: AbortSignal): Promise<Preamble> {
  socket.write(PG_SSL_REQUEST);
  const answer = (await readBytes(socket, 1, signal)).toString('latin1');
  if (answer === 'S') return { tls: true };
  if (answer === 'N') return { tls: false, reason: "the server answered the SSLRequest with 'N' (ssl = off)" };
  throw new Error(`unexpected answer to the SSLRequest: 0x${answer.charCodeAt(0).toString(16)}`);
}

const CLIENT_LONG_PASSWORD = 0x1;
const CLIENT_PROTOCOL_41 = 0x200;
const CLIENT_SSL = 0x800;
const CLIENT_SECURE_CONNECTION = 0x8000;
const UTF8MB4_GENERAL_CI = 45;

export async function mysqlPreamble(socket: net.Socket, signal: AbortSignal): Promise<Preamble & { serverVersion?: string }> {
  const header = await readBytes(socket, 4, signal);
  const payload = await readBytes(socket, header.readUIntLE(0, 3), signal);
  if (payload[0] === 0xff) throw serverError(payload); // e.g. 1040 too many connections, 1130 host not allowed
  if (payload[0] !== 10) throw new Error(`not a MySQL/MariaDB handshake (protocol ${payload[0]})`);
  const versionEnd = payload.indexOf(0, 1);
  const serverVersion = payload.toString('latin1', 1, versionEnd);
  // version, NUL, connection id (4), auth data part 1 (8), filler (1), then the low capability bytes
  const capabilities = payload.readUInt16LE(versionEnd + 1 + 4 + 8 + 1);
  if (!(capabilities & CLIENT_SSL)) return { tls: false, reason: 'the server does not offer TLS (have_ssl = DISABLED)', serverVersion };
  socket.write(sslRequestPacket(header[3]! + 1));
  return { tls: true, serverVersion };
}

function sslRequestPacket(sequence: number): Buffer {
  const packet = Buffer.alloc(4 + 32); // header + flags(4) max packet(4) charset(1) reserved(23)
  packet.writeUIntLE(32, 0, 3);
  packet[3] = sequence & 0xff;
  packet.writeUInt32LE(CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION, 4);
  packet.writeUInt32LE(16 * 1024 * 1024, 8);
  packet[12] = UTF8MB4_GENERAL_CI;
  return packet;
}

/** ERR packet: 0xff, errno (2), '#', SQLSTATE (5), message. errno is what classify() reads. */
function serverError(payload: Buffer): Error {
  const errno = payload.readUInt16LE(1);
  const message = payload.toString('utf8', payload[3] === 0x23 ? 9 : 3);
  return Object.assign(new Error(message), { errno, code: `ER_${errno}` });
}
