// The client's own path through a name's addresses (issue #48) as diagnose reports it. The tcp probe (or, for a
// MySQL URL, the login) walks the addresses as libpq and the MySQL client do (executors/probes/address-walk.ts):
// in getaddrinfo's order, one at a time. Where its limit ran out on a silent address, the rest are tried here, so
// the finding can say that a later one accepts: the application waits on the dead one first.
import { walkAddresses, type AddressTry } from '../executors/probes/address-walk.js';
import type { Check } from './types.js';

export type { AddressTry };

/** Each address in order, until one accepts; each gets the whole limit (as a client's connect_timeout would). */
export async function tryAddresses(addresses: string[], port: number, timeoutMs: number): Promise<AddressTry[]> {
  const walk = await walkAddresses(addresses, port, AbortSignal.timeout(timeoutMs * addresses.length + 1000), timeoutMs);
  walk.reached?.socket.destroy();
  return walk.tries;
}

/** The tcp layer with the client's walk as evidence (a name with several addresses): a walk cut off on a silent
 *  address goes on through the rest, and a later one that accepts makes the layer a warning naming the dead one. */
export async function addressWalkCheck(tcp: Check, addresses: string[], port: number, timeoutMs: number): Promise<Check> {
  const walk = tcp.details?.addressWalk as AddressTry[] | undefined;
  if (!walk?.length) return tcp;
  const cutOff = tcp.status === 'failed' && walk[walk.length - 1]!.classification === 'timeout' && walk.length < addresses.length;
  return withAddressWalk(tcp, cutOff ? [...walk, ...await tryAddresses(addresses.slice(walk.length), port, timeoutMs)] : walk, port);
}

/** The tcp layer with the walk as evidence: a warning when an address the client tries first never answers. */
export function withAddressWalk(tcp: Check, tries: AddressTry[], port: number): Check {
  const details = { ...tcp.details, addressWalk: tries };
  const firstOk = tries.findIndex((t) => t.ok);
  // Refused costs a client nothing (the next address is tried at once); silence costs its whole connect timeout.
  const silent = tries.slice(0, firstOk < 0 ? tries.length : firstOk).filter((t) => t.classification === 'timeout' || t.classification === 'unreachable');
  if (firstOk <= 0 || silent.length === 0) return { ...tcp, details };
  const dead = silent.map((t) => `${t.address}:${port}`).join(', ');
  return {
    ...tcp, details, status: 'warn', classification: 'timeout',
    summary: `timeout: ${dead} (tried first, in the order the name resolves) never answers (${tries[0]!.ms} ms waited); `
      + `${tries[firstOk]!.address}:${port} accepts TCP (${tries[firstOk]!.ms} ms). A client that tries the addresses in order (libpq, the MySQL client) `
      + 'waits its whole connect timeout on the dead one first (libpq: without connect_timeout, until the kernel gives up, about 2 min)',
  };
}
