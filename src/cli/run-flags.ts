// The flags `run`, `resume` (and `demo`) share: how inputs arrive, how the operator is asked, how long it may take.
import { Option, type Command } from 'commander';

export const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addRunFlags(cmd: Command, inputHelp = 'an input value (repeatable)', dryRunHelp = 'run read-only steps and probes for real; show destructive steps without running them'): Command {
  return cmd
    .option('-i, --input <name=value>', inputHelp, collect, [])
    .option('--env-file <file>', 'read KEY=value lines into the environment inputs are taken from')
    .option('--dry-run', dryRunHelp)
    .option('--plain', 'one line per event, no terminal UI (the default when stdin or stdout is not a terminal)')
    .option('--approve <step-id>', 'approve this destructive step in plain mode (repeatable)', collect, [])
    .option('--skip <step-id>', 'skip this step without running it, as the gate\'s `s` would, and take its skip route (repeatable)', collect, [])
    .option('--yes', 'approve every destructive step in plain mode (use with care)')
    .addOption(new Option('--deadline <duration>', 'stop the whole run after this long, e.g. 15m'))
    .option('--break-glass <reason>', 'go on without the team store, recorded and reported: at a four-eyes step whose store is unreachable (or not configured), without a second person; at a step not proven to only read, without the store confirming this driver still holds the run')
    .option('--store <url>', 'share the run through this team store (default: RUNBOOK_STORE, then store: in runbook.config.yaml; its uploads are signed with RUNBOOK_SIGNING_KEY when set; docs/team.md)');
}
