// Certificate evidence from the tls probe's socket: the facts (db/cert-facts.ts) and Node's verdict on the chain.
import type tls from 'node:tls';
import { certFacts } from '../../db/cert-facts.js';

export function certDetails(socket: tls.TLSSocket, hostname: string): Record<string, unknown> {
  return {
    ...certFacts(socket, hostname),
    authorized: socket.authorized,
    authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
  };
}
