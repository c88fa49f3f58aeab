// `runbook store migrate`: create or upgrade the team store's schema.
import { openStore, requireStoreUrl } from '../../store/open.js';
import { migrateStore } from '../../store/migrate.js';
import { maskUrl } from '../../db/url.js';
import { say } from '../say.js';
import { UserError } from '../../common/errors.js';
import { storeErrorText } from '../../store/client.js';

export async function storeMigrateCommand(opts: { store?: string }): Promise<number> {
  const store = requireStoreUrl(opts.store);
  // Creating the schema may take longer than a run's statements are allowed.
  const client = await openStore(store, { migrating: true, statementMs: 30_000 });
  try {
    const r = await migrateStore(client).catch((e: unknown) => {
      if (e instanceof UserError) throw e;
      throw new UserError(`store migrate failed (as ${client.role}): ${storeErrorText(e)}`);
    });
    say(r.applied.length
      ? `store ${maskUrl(store.url)}: schema runbook migrated from version ${r.from} to ${r.to} (as ${client.role})\n`
      : `store ${maskUrl(store.url)}: schema runbook is at version ${r.to}; nothing to do\n`);
    return 0;
  } finally {
    await client.end();
  }
}
