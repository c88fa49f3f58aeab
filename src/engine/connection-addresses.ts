// Where each connection of a runbook leads as its run starts, before any server is reached: recorded in the
// transcript (`connection-addresses`), so a resume compares every connection, also one the run never reached
// before it was interrupted. A URL that needs a step's result (or does not parse yet) is left out: it is
// compared at first contact instead.
import { parseUrl } from '../db/url.js';
import { addressOf, type TargetAddress } from '../executors/fingerprint.js';
import type { Scope } from '../language/expression/index.js';
import type { RunbookDoc } from '../language/schema.js';
import { setOwn } from '../common/own.js';
import { connectionUrl } from './prepare.js';
import { loginSecrets, maskAddress } from './url-secrets.js';

export function connectionAddresses(doc: RunbookDoc, scope: Scope, env: Record<string, string | undefined>): Record<string, TargetAddress> {
  const out: Record<string, TargetAddress> = {};
  for (const name of Object.keys(doc.connections ?? {})) {
    const address = addressNow(doc, name, scope, env);
    if (address) setOwn(out, name, address);
  }
  return out;
}

/** Where the connection's URL leads with the run's data and environment now; undefined when it cannot be told.
 *  The parts that came from a secret are masked, as the run records them at first contact (url-secrets.ts). */
export function addressNow(doc: RunbookDoc, name: string, scope: Scope, env: Record<string, string | undefined>): TargetAddress | undefined {
  try {
    return maskAddress(addressOf(parseUrl(connectionUrl(doc, name, scope).url), env), loginSecrets(doc, name, scope));
  } catch {
    return undefined;
  }
}
