// The client's own path through a name's addresses (issue #48). libpq and the MySQL client try each address of
// the host in the order getaddrinfo gives, waiting their connect timeout on each; Node's net (and so diagnose's own
// TCP check) races the addresses 250 ms apart. A name whose first address is dead therefore "works" for diagnose
// while the application waits on that address. So, for a name with several addresses, each is tried in the client's
// order, one at a time, up to the first that accepts: a silent one before it is the finding.
import { classify } from '../db/classify.js';
import { connectTcp } from '../executors/probes/socket.js';
import type { Classification } from '../common/classification.js';
import type { Check } from './types.js';

export interface AddressTry { address: string; ok: boolean; ms: number; classification?: Classification }

/** Each address in order, until one accepts; each gets the whole limit (as a client's connect_timeout would). */
export async function tryAddresses(addresses: string[], port: number, timeoutMs: number): Promise<AddressTry[]> {
  const tries: AddressTry[] = [];
  for (const address of addresses) {
    const startedAt = Date.now();
    try {
      (await connectTcp(address, port, AbortSignal.timeout(timeoutMs))).destroy();
      tries.push({ address, ok: true, ms: Date.now() - startedAt });
      break;
    } catch (err) {
      tries.push({ address, ok: false, ms: Date.now() - startedAt, classification: classify(err) });
    }
  }
  return tries;
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
      + 'waits its whole connect timeout on the dead one first (libpq: for ever without connect_timeout)',
  };
}
