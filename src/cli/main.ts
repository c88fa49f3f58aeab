// The command line. Commands are registered with their options; each command's code is imported only
// when it runs, so `runbook --version` does not pay for ink, pg or zx.
import { runCli } from './program.js';
import { registerCommands } from './register/index.js';

export async function main(argv: string[]): Promise<void> {
  await runCli(argv, registerCommands);
}
