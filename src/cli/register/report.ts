// `runbook report`: a transcript as a Markdown postmortem (or JSON for tooling).
import { Option, type Command } from 'commander';
import type { Lazy } from './types.js';

export function registerReport(program: Command, lazy: Lazy): void {
  program.command('report').argument('<transcript>', 'a .jsonl transcript written by run or resume')
    .description('Write a postmortem from a transcript: summary, timeline, confirmations, notes, key outputs and the path the run took.')
    .option('-o, --output <file>', 'write to this file instead of standard output (never over a transcript)')
    .option('--force', 'replace an existing output file (a transcript is never replaced)')
    .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
    .addHelpText('after', `
Examples:
  runbook report runbook-transcripts/2024-05-01T12-30-45.123Z-pool-exhausted.jsonl -o postmortem.md
  runbook report ./incident.jsonl --format json | jq '.timeline[] | select(.status != "ok")'`)
    .action(lazy(() => import('../commands/report.js'), 'reportCommand'));
}
