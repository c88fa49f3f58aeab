// The team commands around the optional operations store (docs/team.md): migrate it, list its runs, follow
// one live, approve or deny a four-eyes step. Each loads pg only when it runs.
import type { Command } from 'commander';
import type { Lazy } from './types.js';

const STORE_HELP = 'the store, postgres://role@host/db (default: RUNBOOK_STORE, then store: in runbook.config.yaml)';

export function registerStore(program: Command, lazy: Lazy): void {
  const store = program.command('store').description('The team store (an operations PostgreSQL): set it up.');
  store.command('migrate').description('Create or upgrade the store\'s schema `runbook` (idempotent).')
    .option('--store <url>', STORE_HELP)
    .addHelpText('after', `
Run once by the role that should own the schema; run again after upgrading runbook. Refuses a store whose
schema is newer than this runbook knows.

Example:
  RUNBOOK_STORE=postgres://runbook_owner@ops-db/ops runbook store migrate`)
    .action(lazy(() => import('../commands/store.js'), 'storeMigrateCommand'));
}
