// The client's own path through a name's addresses (issue #48; a probe of stop 73). libpq and the MariaDB client
// try each address of the host in the order getaddrinfo gives, one at a time, each for their connect timeout
// (none set: until the kernel gives up, about 2 min). Node's net, and so pg and mysql2, races the addresses 250 ms
// apart: a name whose first address silently drops SYNs "worked" for the tcp and db-connect checks, and the
// refused runbook ended resolved, while psql waited 2 min 16 s. So those checks, and diagnose, walk the addresses
// the client's way, here.
import dns from 'node:dns';
import net from 'node:net';
import { classify } from '../../db/classify.js';
import { raceAbort, timeoutError } from '../../db/abort.js';
import { connectTcp } from './socket.js';
import type { Classification } from '../../common/classification.js';

export interface AddressTry { address: string; ok: boolean; ms: number; classification?: Classification }

export interface Walk {
  /** The name's addresses, in the client's order. */
  addresses: string[];
  tries: AddressTry[];
  /** The first address that accepted, its socket open; absent when none did. */
  reached?: { address: string; socket: net.Socket };
  /** Each failed try's own error, beside its try (kept out of `tries`, which are details). */
  errors: unknown[];
  /** The check's own limit ended the walk on an address the client would still be waiting on. */
  cutOff: boolean;
}

type Reached = Walk & { reached: NonNullable<Walk['reached']> };
type ClientTimeout = { ms: number; from: string };

/** The host's addresses as the application's client gets them: getaddrinfo's order (hosts file, then DNS). */
export async function addressesOf(host: string, signal: AbortSignal): Promise<string[]> {
  if (net.isIP(host)) return [host];
  const found = await raceAbort(dns.promises.lookup(host, { all: true, verbatim: true }), signal);
  return found.map((a) => a.address);
}

/** Each address in order, until one accepts. Each gets `perAddressMs` when given (the client's connect timeout,
 *  after which it moves on), and all of them together what `signal` leaves (the check's own limit). */
export async function walkAddresses(addresses: string[], port: number, signal: AbortSignal, perAddressMs?: number): Promise<Walk> {
  const walk: Walk = { addresses, tries: [], errors: [], cutOff: false };
  for (const address of addresses) {
    const startedAt = Date.now();
    const own = perAddressMs === undefined ? signal
      : AbortSignal.any([signal, AbortSignal.timeout(perAddressMs)]);
    try {
      const socket = await connectTcp(address, port, own);
      walk.tries.push({ address, ok: true, ms: Date.now() - startedAt });
      walk.reached = { address, socket };
      return walk;
    } catch (err) {
      walk.cutOff = signal.aborted;
      const error = !walk.cutOff && own !== signal && own.aborted ? timeoutError(`${hostPort(address, port)}: no answer within the client's connect timeout (${perAddressMs} ms)`) : err;
      walk.tries.push({ address, ok: false, ms: Date.now() - startedAt, classification: classify(error) });
      walk.errors.push(error);
      if (walk.cutOff) return walk;
    }
  }
  return walk;
}

/** Where the client gets to: the walk's open socket, or the error the client would end with (with the walk). */
export async function reachAsClient(host: string, port: number, signal: AbortSignal, clientMs?: ClientTimeout): Promise<Reached> {
  return reachAddresses(await addressesOf(host, signal), host, port, signal, clientMs);
}

/** reachAsClient for addresses already looked up. */
export async function reachAddresses(addresses: string[], host: string, port: number, signal: AbortSignal, clientMs?: ClientTimeout): Promise<Reached> {
  const walk = await walkAddresses(addresses, port, signal, clientMs?.ms);
  if (walk.reached) return walk as Reached;
  const error = walkError(walk, host, port, clientMs) ?? new Error(`${host}: no address`);
  throw walk.addresses.length > 1 ? Object.assign(error, { addressWalk: walk.tries }) : error;
}

/** The walk a failed reachAsClient made, when the name had several addresses. */
export const walkOf = (err: unknown): AddressTry[] | undefined => (err as { addressWalk?: AddressTry[] } | null)?.addressWalk;

/** One address: its own error, as a single connect would have met it. Several: why the client gets nowhere. */
function walkError(walk: Walk, host: string, port: number, clientMs: ClientTimeout | undefined): object | undefined {
  const last = walk.errors[walk.errors.length - 1];
  if (last === undefined) return undefined;
  if (walk.addresses.length === 1) return typeof last === 'object' && last !== null ? last : new Error(String(last));
  const at = walk.tries.length - 1;
  const where = hostPort(walk.tries[at]!.address, port);
  if (walk.cutOff && at + 1 < walk.addresses.length) {
    const wait = clientMs ? `wait on it for their connect timeout (${clientMs.from}: ${clientMs.ms} ms, longer than this check's limit)`
      : 'with no connect timeout set, wait on it until the kernel gives up (about 2 min)';
    return Object.assign(timeoutError(`${where} (address ${at + 1} of ${walk.addresses.length} of ${host}, in the order the name resolves) `
      + `never answered (${walk.tries[at]!.ms} ms waited): libpq and the MariaDB client try the addresses one at a time in that order and, ${wait} `
      + `before trying ${walk.addresses.slice(at + 1).map((a) => hostPort(a, port)).join(', ')}`), { cause: last });
  }
  // Every address failed: the client waited out any that timed out, so the application meets a timeout.
  const timedOut = walk.tries.some((t) => t.classification === 'timeout');
  const summary = walk.errors.map((e, i) => (e as Error | undefined)?.message || `${hostPort(walk.tries[i]!.address, port)}: ${walk.tries[i]!.classification}`).join('; ');
  return Object.assign(new Error(summary), { code: (last as { code?: unknown } | undefined)?.code, classification: timedOut ? 'timeout' : classify(walk.errors[0]) });
}

const hostPort = (address: string, port: number): string => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);
