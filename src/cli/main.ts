// The command line. Commands are registered here with their options; each command's code is imported only
// when it runs, so `runbook --version` does not pay for ink, pg or zx.
import { Command, CommanderError, Option } from 'commander';
import { EXIT, UserError } from '../common/errors.js';
import { VERSION } from '../common/version.js';
import { registerMoreCommands } from './register/index.js';
import { addRunFlags } from './run-flags.js';

function buildProgram(): Command {
  const program = new Command('runbook')
    .description('Incident runbooks for when an application cannot reach its database.\nRunbooks are YAML; each step runs shell, SQL or a probe, and nothing destructive runs without your confirmation.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride();

  addRunFlags(program.command('run').argument('<runbook>', 'built-in name (see `runbook list`) or path to a .yaml file')
    .description('Run a runbook, stopping for confirmation before every destructive step.'))
    .option('--transcript <file>', 'write the transcript here instead of ./runbook-transcripts/')
    .option('--no-transcript', 'do not write a transcript')
    .addHelpText('after', `
Examples:
  runbook run pool-exhausted --input url=postgres://admin@db:5432/app
  DATABASE_URL=postgres://… runbook run refused --dry-run
  runbook run ./my-runbook.yaml --plain --approve restart-app
Exit codes: 0 resolved, 1 failed or escalated (or stopped at an unapproved step), 2 usage/validation error, 130 aborted.`)
    .action(lazy(() => import('./commands/run.js'), 'runCommand'));

  program.command('list').description('List the runbooks: built-in, ./runbooks/ and RUNBOOK_PATH.')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  runbook list\n  RUNBOOK_PATH=~/ops/runbooks runbook list --json')
    .action(lazy(() => import('./commands/list.js'), 'listCommand'));

  program.command('show').argument('<runbook>', 'name or path').description('Show a runbook: inputs, steps, which steps are destructive.')
    .addHelpText('after', '\nExample:\n  runbook show pool-exhausted')
    .action(lazy(() => import('./commands/show.js'), 'showCommand'));

  program.command('validate').argument('[paths...]', 'runbook files or directories (default: every runbook in the catalog)')
    .description('Check runbooks: schema, step references, reachability, expressions, safety lint.')
    .option('--json', 'print diagnostics as JSON')
    .addHelpText('after', '\nExamples:\n  runbook validate runbooks/\n  runbook validate my-runbook.yaml --json\nExit codes: 0 clean (warnings allowed), 2 errors.')
    .action(lazy(() => import('./commands/validate.js'), 'validateCommand'));

  program.command('graph').argument('<runbook>', 'name or path').description('Draw the compiled state machine.')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'))
    .addHelpText('after', '\nExamples:\n  runbook graph pool-exhausted            # paste into a GitHub comment inside ```mermaid\n  runbook graph auth --format dot | dot -Tsvg > auth.svg')
    .action(lazy(() => import('./commands/graph.js'), 'graphCommand'));

  program.command('schema').description('Print the JSON Schema of the runbook language (for editors and CI).')
    .addHelpText('after', '\nExample:\n  runbook schema > runbook.schema.json')
    .action(lazy(() => import('./commands/schema.js'), 'schemaCommand'));

  program.command('new').argument('<name>', 'runbook name (lower case, digits, -)').description('Write a new runbook skeleton to ./runbooks/<name>.yaml.')
    .option('--dir <dir>', 'folder to write into', 'runbooks')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExample:\n  runbook new replication-lag && $EDITOR runbooks/replication-lag.yaml')
    .action(lazy(() => import('./commands/new.js'), 'newCommand'));

  registerMoreCommands(program, lazy);
  return program;
}

export function lazy<M>(load: () => Promise<M>, name: keyof M & string): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const mod = await load();
    const code = await (mod[name] as (...a: unknown[]) => Promise<number | void>)(...args);
    if (typeof code === 'number') process.exitCode = code;
  };
}

export async function main(argv: string[]): Promise<void> {
  // `runbook … | head` closes the pipe early; that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
  blockOnPipes();
  // Answered before building the command tree (13 commands with their help): what commander would print.
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) { process.stdout.write(`${VERSION}\n`); return; }
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = reportError(e);
  }
}

/**
 * Node writes to a pipe asynchronously: whatever the reader has not taken yet is queued in memory. A step
 * printing 200 MB in plain mode through `| tee log` (or a CI log collector) held up to 500 MB. Blocking
 * writes, as a C program does, keep memory flat; the run waits for a slow reader instead. Terminals and
 * files are already written synchronously.
 */
function blockOnPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const handle = (stream as unknown as { _handle?: { setBlocking?: (on: boolean) => unknown } })._handle;
    if (!stream.isTTY && typeof handle?.setBlocking === 'function') handle.setBlocking(true);
  }
}

function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (e instanceof UserError) {
    process.stderr.write(`runbook: ${e.message}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  process.stderr.write(`runbook: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.RUNBOOK_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
  else process.stderr.write('(set RUNBOOK_DEBUG=1 for the stack trace, and please report it)\n');
  return 70;
}
