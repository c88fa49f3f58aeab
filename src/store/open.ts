// A command that needs the store (migrate, follow, runs, approve): the configured URL, connected and checked,
// or one clear line saying why not. The URL's password is never shown (maskUrl).
import { UserError } from '../common/errors.js';
import { maskUrl } from '../db/url.js';
import { connectStore, FOREGROUND_CONNECT_MS, storeErrorText, type ConnectOptions, type StoreClient } from './client.js';
import { checkStoreVersion } from './migrate.js';
import { findStoreUrl, type StoreUrl } from './url.js';

export function requireStoreUrl(flag: string | undefined): StoreUrl {
  const found = findStoreUrl(flag);
  if (!found) throw new UserError('no store configured: give --store postgres://…, set RUNBOOK_STORE, or put `store: postgres://…` in runbook.config.yaml');
  return found;
}

/** How long a person waits on the store before being told so (the bound itself is FOREGROUND_CONNECT_MS). */
const SAY_SLOW_MS = 1000;

/** `migrating`: the schema may be missing or old (migrate is what fixes that). `onSlow`: told once when the store
 *  has not answered within a second (stderr by default): a person waits, and sees why. */
export async function openStore(store: StoreUrl, opts: ConnectOptions & { migrating?: boolean; onSlow?: (line: string) => void } = {}): Promise<StoreClient> {
  const onSlow = opts.onSlow ?? ((line: string) => { process.stderr.write(`${line}\n`); });
  const slow = setTimeout(() => onSlow(`runbook: waiting for the store ${maskUrl(store.url)} (from ${store.from}); giving up after ${FOREGROUND_CONNECT_MS / 1000} s`), SAY_SLOW_MS);
  try {
    return await connectAndCheck(store, opts);
  } finally {
    clearTimeout(slow);
  }
}

async function connectAndCheck(store: StoreUrl, opts: ConnectOptions & { migrating?: boolean }): Promise<StoreClient> {
  let client: StoreClient;
  try {
    client = await connectStore(store.url, { connectMs: FOREGROUND_CONNECT_MS, statementMs: FOREGROUND_CONNECT_MS, ...opts });
  } catch (e) {
    throw new UserError(`cannot reach the store ${maskUrl(store.url)} (from ${store.from}): ${storeErrorText(e)}`);
  }
  if (opts.migrating) return client;
  try {
    await checkStoreVersion(client);
  } catch (e) {
    await client.end();
    if (e instanceof UserError) throw e;
    throw new UserError(`the store ${maskUrl(store.url)} did not answer: ${storeErrorText(e)}`);
  }
  return client;
}
