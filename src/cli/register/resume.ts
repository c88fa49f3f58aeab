// `runbook resume`: the same flags as `run` (minus where the transcript goes: it is the one resumed), plus --force.
import { Option, type Command } from 'commander';
import type { Lazy } from './index.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerResume(program: Command, lazy: Lazy): void {
  program.command('resume').argument('<transcript>', 'the .jsonl transcript of an interrupted run')
    .description('Continue an interrupted run from its transcript: finished steps are not run again.')
    .option('-i, --input <name=value>', 'an input value (repeatable); secret inputs must be given again', collect, [])
    .option('--env-file <file>', 'read KEY=value lines into the environment inputs are taken from')
    .option('--dry-run', 'continue a dry run (only a dry run can continue a dry run)')
    .option('--plain', 'one line per event, no terminal UI (the default when stdin or stdout is not a terminal)')
    .option('--approve <step-id>', 'approve this destructive step in plain mode (repeatable)', collect, [])
    .option('--yes', 'approve every destructive step in plain mode (use with care)')
    .addOption(new Option('--deadline <duration>', 'stop the whole run after this long, e.g. 15m'))
    .option('--force', 'resume even though the runbook changed since the run started (recorded in the transcript)')
    .addHelpText('after', `
The run continues where it stopped, appending to the same transcript. The step that was running runs
again, behind its confirmation gate if it is destructive; a step that had finished only takes its branch.
Non-secret inputs are taken from the transcript; --input overrides them. Secret inputs (and URLs whose
password the transcript masks) must be supplied again, by --input or their environment variable.

Examples:
  runbook resume runbook-transcripts/2024-05-01T12-30-45.123Z-pool-exhausted.jsonl
  PGPASSWORD=… runbook resume ./incident.jsonl --plain --approve restart-app
Exit codes: as for run; 2 also when the run already finished or the runbook changed (see --force).`)
    .action(lazy(() => import('../commands/resume.js'), 'resumeCommand'));
}
