// `runbook test`: options and help; the code loads only when the command runs.
import type { Registrar } from './types.js';

export const registerTest: Registrar = (program, lazy) => {
  program.command('test').argument('[runbooks...]', 'names or paths (default: every runbook that has a <name>.cases.yaml next to it)')
    .description('Run a runbook\'s test cases through the real engine with scripted step results: nothing is executed.')
    .option('--cases <file>', 'the cases file (default: the runbook file with .cases.yaml instead of .yaml)')
    .option('--require-full-coverage', 'fail when a route of the runbook is taken by no case (the default when CI is set)')
    .option('--no-require-full-coverage', 'report uncovered routes without failing, even in CI')
    .option('--from-transcript <file>', 'write a case from a real run\'s transcript (its results, answers, inputs, path and outcome) instead of running cases')
    .option('-o, --output <file>', 'with --from-transcript: add the case to this cases file (created if missing) instead of printing it')
    .addHelpText('after', `
Examples:
  runbook test runbooks/examples/pg-disk-full.yaml
  runbook test refused --require-full-coverage
  runbook test my-runbook.yaml --cases test/my-runbook.cases.yaml
  runbook test                      # every runbook with a cases file
  runbook test --from-transcript runbook-transcripts/….jsonl -o runbooks/refused.cases.yaml
Exit codes: 0 every case passed (and coverage is full where required), 1 a case failed or a route is
not covered where required, 2 a runbook or cases file is invalid.
Cases file format: docs/tutorial.md ("Test it") and docs/runbook-cases.schema.json.`)
    .action(lazy(() => import('../commands/test.js'), 'testCommand'));
};
