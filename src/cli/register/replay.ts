// `runbook replay`: show a recorded run again, in the terminal, for reviewing it with the team.
import { Option, type Command } from 'commander';
import type { Lazy } from './types.js';

export function registerReplay(program: Command, lazy: Lazy): void {
  program.command('replay').argument('<transcript>', 'a .jsonl transcript written by run or resume')
    .description('Show a recorded run again, event by event, with its original timing compressed.')
    .addOption(new Option('--speed <n>', 'how many times faster than it happened (0: no pauses)').default('10'))
    .option('--step', 'stop after each step until Enter is pressed')
    .addHelpText('after', `
Pauses longer than 2 seconds (after --speed) are shortened to 2 seconds and marked.

Examples:
  runbook replay ./incident.jsonl
  runbook replay ./incident.jsonl --step
  runbook replay ./incident.jsonl --speed 0 > incident.txt`)
    .action(lazy(() => import('../commands/replay.js'), 'replayCommand'));
}
