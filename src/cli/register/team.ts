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
  store.command('push').argument('<transcript>', 'a .jsonl transcript').description('Upload the lines of a transcript the store does not have yet.')
    .option('--store <url>', STORE_HELP)
    .addHelpText('after', `
For a run that ended while the store was down (the run says so). Checks the store's copy against the
transcript first, line by line: a copy that differs stops it, and nothing stored is changed.

Example:
  runbook store push runbook-transcripts/2024-05-01T12-30-45.123Z-pool-exhausted.jsonl`)
    .action(lazy(() => import('../commands/store.js'), 'storePushCommand'));
  store.command('prune').description('Remove runs that ended long ago from the store (retention).')
    .requiredOption('--older-than <age>', 'runs last heard from longer ago than this: 90d, 12h, 2w, 30m')
    .option('--dry-run', 'say what would be pruned; change nothing')
    .option('--store <url>', STORE_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', `
Only whole runs that ended (resolved, escalate, failed, aborted) go; a run still running or interrupted
stays however old. Each pruned run is recorded in runbook.pruned (who, when, its event count and the head
of its hash chain) before its rows are deleted, and its id is never stored again. The chains of the runs
that remain are untouched. Runs as the store's owner, or a role the owner granted
EXECUTE ON FUNCTION runbook.prune_runs(interval, int).

Examples:
  runbook store prune --older-than 90d --dry-run
  runbook store prune --older-than 90d`)
    .action(lazy(() => import('../commands/store.js'), 'storePruneCommand'));
}

export function registerRuns(program: Command, lazy: Lazy): void {
  program.command('runs').description('List the store\'s active and recent runs.')
    .option('--store <url>', STORE_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  runbook runs')
    .action(lazy(() => import('../commands/runs.js'), 'runsCommand'));
}

export function registerFollow(program: Command, lazy: Lazy): void {
  program.command('follow').argument('<run-id>', 'a run id (see `runbook runs`)')
    .description('Show a teammate\'s run live from the store, as replay shows it.')
    .option('--store <url>', STORE_HELP)
    .addHelpText('after', `
Prints every event so far, then each new one as the driver uploads it; reconnects and catches up after a
drop; ends when the run ends. A broken hash chain (an event changed in the store) stops it, naming the event.
With the team's allowed signers (RUNBOOK_ALLOWED_SIGNERS, or allowed_signers: in runbook.config.yaml), the
run's signatures are checked too: one that does not hold stops it, unsigned events are said so (docs/team.md).

Example:
  runbook follow 6f1c…`)
    .action(lazy(() => import('../commands/follow.js'), 'followCommand'));
}

export function registerApprove(program: Command, lazy: Lazy): void {
  program.command('approve').argument('<run-id>', 'the run').argument('<step-id>', 'the step waiting for a second person')
    .description('Approve (or --deny) a four-eyes step of a teammate\'s run; you are who the store says you are.')
    .option('--store <url>', STORE_HELP)
    .option('--deny <reason>', 'deny it instead, saying why')
    .option('--yes', 'decide without showing the gate and asking first')
    .addHelpText('after', `
Shows what the driver's gate shows (command or SQL, target, blast radius), then asks. The approver is the
store role you log in as; the store refuses the run's own operator or driver.

Examples:
  runbook approve 6f1c… terminate
  runbook approve 6f1c… terminate --deny "not during the payment batch"`)
    .action(lazy(() => import('../commands/approve.js'), 'approveCommand'));
}
