// The core commands' options and help; each command's code is imported only when it runs.
import { Option, type Command } from 'commander';
import { addRunFlags } from '../run-flags.js';
import type { Lazy } from './types.js';

export function registerRun(program: Command, lazy: Lazy): void {
  addRunFlags(program.command('run').argument('<runbook>', 'built-in name (see `runbook list`) or path to a .yaml file')
    .description('Run a runbook, stopping for confirmation before every destructive step.'))
    .option('--transcript <file>', 'write the transcript here instead of ./runbook-transcripts/')
    .option('--no-transcript', 'do not write a transcript')
    .addHelpText('after', `
Examples:
  runbook run pool-exhausted --input url=postgres://admin@db:5432/app
  DATABASE_URL=postgres://… runbook run refused --dry-run
  runbook run ./my-runbook.yaml --plain --approve restart-app
  runbook run ./my-runbook.yaml --skip restart-app   # never runs it: recorded skipped, its skip route taken
  runbook run refused -i db_ssh=postgres@db-1:2222   # db_ssh: [user@]host[:port], ssh://[user@]host[:port] or an ssh config alias
Exit codes: 0 resolved, 1 failed or escalated (or stopped at an unapproved step), 2 usage/validation error,
75 interrupted (SIGHUP, SIGTERM, the terminal went away: continue with runbook resume), 130 aborted.`)
    .action(lazy(() => import('../commands/run.js'), 'runCommand'));
}

export function registerList(program: Command, lazy: Lazy): void {
  program.command('list').description('List the runbooks: built-in, ./runbooks/ and RUNBOOK_PATH.')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  runbook list\n  RUNBOOK_PATH=~/ops/runbooks runbook list --json')
    .action(lazy(() => import('../commands/list.js'), 'listCommand'));
}

export function registerShow(program: Command, lazy: Lazy): void {
  program.command('show').argument('<runbook>', 'name or path').description('Show a runbook: inputs, steps, which steps are destructive.')
    .addHelpText('after', '\nExample:\n  runbook show pool-exhausted')
    .action(lazy(() => import('../commands/show.js'), 'showCommand'));
}

export function registerValidate(program: Command, lazy: Lazy): void {
  program.command('validate').argument('[paths...]', 'runbook files or directories (default: every runbook in the catalog)')
    .description('Check runbooks: schema, step references, reachability, expressions, safety lint.')
    .option('--json', 'print diagnostics as JSON')
    .addHelpText('after', '\nExamples:\n  runbook validate runbooks/\n  runbook validate my-runbook.yaml --json\nExit codes: 0 clean (warnings allowed), 2 errors.\n'
      + 'Results for local runbooks are cached by content in $XDG_CACHE_HOME/runbook\n'
      + '(default ~/.cache/runbook): an unchanged file is answered at once.\n'
      + 'RUNBOOK_NO_CACHE=1 turns the cache off.')
    .action(lazy(() => import('../commands/validate.js'), 'validateCommand'));
}

export function registerGraph(program: Command, lazy: Lazy): void {
  program.command('graph').argument('<runbook>', 'name or path').description('Draw the compiled state machine.')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'))
    .addHelpText('after', '\nExamples:\n  runbook graph pool-exhausted            # paste into a GitHub comment inside ```mermaid\n  runbook graph auth --format dot | dot -Tsvg > auth.svg')
    .action(lazy(() => import('../commands/graph.js'), 'graphCommand'));
}

export function registerSchema(program: Command, lazy: Lazy): void {
  program.command('schema').description('Print the JSON Schema of the runbook language (for editors and CI).')
    .option('--cases', 'print the JSON Schema of test cases files (*.cases.yaml, runbook test) instead')
    .addHelpText('after', '\nExamples:\n  runbook schema > runbook.schema.json\n  runbook schema --cases > runbook-cases.schema.json')
    .action(lazy(() => import('../commands/schema.js'), 'schemaCommand'));
}

export function registerNew(program: Command, lazy: Lazy): void {
  program.command('new').argument('<name>', 'runbook name (lower case, digits, -)').description('Write a new runbook skeleton to ./runbooks/<name>.yaml.')
    .option('--dir <dir>', 'folder to write into', 'runbooks')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExample:\n  runbook new replication-lag && $EDITOR runbooks/replication-lag.yaml')
    .action(lazy(() => import('../commands/new.js'), 'newCommand'));
}
