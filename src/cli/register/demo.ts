// `runbook demo`: options and help; the lab and the runbook engine load only when it runs.
import { Argument, Option, type Command } from 'commander';
import type { Lazy } from './types.js';

import { collect } from '../run-flags.js';
const SCENARIOS = ['pool-exhausted', 'refused', 'timeout', 'auth', 'ssl', 'pooler'];

export function registerDemo(program: Command, lazy: Lazy): void {
  program.command('demo')
    .addArgument(new Argument('[scenario]', 'which failure to stage').choices(SCENARIOS).default('pool-exhausted'))
    .description('Start a throwaway local database, break it for real, and run the matching built-in runbook against it.')
    .addOption(new Option('--engine <engine>', 'database to start').choices(['postgres', 'mariadb']).default('postgres'))
    .option('--plain', 'one line per event, no terminal UI (the default when stdin or stdout is not a terminal)')
    .option('--approve <step-id>', 'approve this destructive step in plain mode (repeatable)', collect, [])
    .option('--yes', 'approve every destructive step in plain mode')
    .option('--transcript <file>', 'write the transcript here instead of ./runbook-transcripts/')
    .option('--no-transcript', 'do not write a transcript')
    .addHelpText('after', `
Needs the PostgreSQL (or MariaDB) server binaries installed locally; nothing leaves 127.0.0.1.
Examples:
  runbook demo                         # pool-exhausted on PostgreSQL, interactive
  runbook demo auth --engine mariadb
  runbook demo pooler                  # PgBouncer in front of PostgreSQL, its pool full (needs pgbouncer)
  runbook demo pool-exhausted --plain --yes
Exit codes: as for 'runbook run' (0 resolved, 1 escalated or failed, 130 aborted).`)
    .action(lazy(() => import('../commands/demo.js'), 'demoCommand'));
}
