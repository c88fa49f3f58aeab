// The command line around the commands: the program, --version, output to pipes, and how errors end the
// process. Which commands exist is the caller's: the full CLI (main.ts) registers all of them, the
// launcher's fast path (fast/main.ts) only the two it can answer without the rest.
import { Command, CommanderError } from 'commander';
import { EXIT, UserError } from '../common/errors.js';
import { VERSION } from '../common/version.js';
import type { Lazy } from './register/index.js';
import { say, sayError } from './say.js';

export type RegisterCommands = (program: Command, lazy: Lazy, invoked?: string) => void;

function buildProgram(argv: string[], registerCommands: RegisterCommands): Command {
  const program = new Command('runbook')
    .description('Incident runbooks for when an application cannot reach its database.\nRunbooks are YAML; each step runs shell, SQL or a probe, and nothing destructive runs without your confirmation.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str), writeOut: say, writeErr: sayError })
    .exitOverride();

  registerCommands(program, lazy, argv[2]);
  return program;
}

export function lazy<M>(load: () => Promise<M>, name: keyof M & string): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const mod = await load();
    const code = await (mod[name] as (...a: unknown[]) => Promise<number | void>)(...args);
    if (typeof code === 'number') process.exitCode = code;
  };
}

/** `passThrough`: errors the caller handles itself (the fast path's "needs the full CLI"), thrown on. */
export async function runCli(argv: string[], registerCommands: RegisterCommands, passThrough?: (e: unknown) => boolean): Promise<void> {
  // `runbook … | head` closes the pipe early; that is the reader's choice, not an error.
  // A terminal that went away (EIO) is the run's to handle: it ends `interrupted` (cli/prepare-run.ts).
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else if (e.code !== 'EIO') throw e; });
  blockOnPipes();
  // Answered before building the command tree (13 commands with their help): what commander would print.
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) { say(`${VERSION}\n`); return; }
  const program = buildProgram(argv, registerCommands);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (passThrough?.(e)) throw e;
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
    sayError(`runbook: ${e.message}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  sayError(`runbook: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.RUNBOOK_DEBUG) sayError(`${err?.stack ?? ''}\n`);
  else sayError('(set RUNBOOK_DEBUG=1 for the stack trace, and please report it)\n');
  return 70;
}
