// A driver's socket that connects to one address of its host name: the address a walk of the name's addresses
// reached as libpq would (executors/probes/address-walk.ts). The driver keeps the URL's host name for everything
// else, TLS's server name and certificate check included.
import net from 'node:net';

/** An unconnected socket whose connect(port, …) goes to `address`, whatever host the driver names (pg's stream). */
export function pinnedSocket(address: string): net.Socket {
  const socket = new net.Socket();
  const connect = socket.connect.bind(socket) as (options: net.TcpSocketConnectOpts) => net.Socket;
  return Object.assign(socket, { connect: (port: number) => connect({ port, host: address }) });
}
