// `runbook test`: run each runbook's cases through the real engine with scripted results (nothing is
// executed) and report failing cases and routes no case takes.
import { existsSync } from 'node:fs';
import { catalog } from '../../catalog/discover.js';
import { defaultCasesFile, testRunbook, type RunbookTestResult } from '../../testing/index.js';
import { formatResult, isFullyCovered } from '../../testing/report.js';
import { loadRunbook } from '../../catalog/load-runbook.js';
import { updateOutputFile } from '../write-output.js';
import { EXIT, UserError } from '../../common/errors.js';
import { dirname, join } from 'node:path';
import { plural } from '../../common/plural.js';
import { say, sayError, sayRows } from '../say.js';
import { FILL_IN } from '../../testing/fill-in.js';

export interface TestFlags { cases?: string; requireFullCoverage?: boolean; fromTranscript?: string; output?: string }

export async function testCommand(refs: string[], flags: TestFlags): Promise<number> {
  if (flags.fromTranscript) return fromTranscript(refs, flags.fromTranscript, flags.output);
  if (flags.output) throw new UserError('-o/--output goes with --from-transcript');
  if (flags.cases && refs.length !== 1) throw new UserError('--cases goes with exactly one runbook: runbook test <runbook> --cases <file>');
  const targets = refs.length ? refs.map((ref) => ({ ref, cases: flags.cases })) : everyRunbookWithCases();
  if (targets.length === 0) throw new UserError('no runbook here has a cases file (<name>.cases.yaml next to <name>.yaml); see docs/tutorial.md');
  // CI systems set CI=true; there an uncovered route fails the build unless --no-require-full-coverage.
  const requireFull = flags.requireFullCoverage ?? isCI();
  const results: RunbookTestResult[] = [];
  for (const t of targets) {
    const { runbook } = loadRunbook(t.ref);
    const result = await testRunbook(runbook, t.cases ?? defaultCasesFile(runbook.file));
    results.push(result);
    // Case names, expected paths and diagnostics quote the author: a row each, whatever they hold.
    sayRows(formatResult(result), 10);
  }
  return summary(results, requireFull);
}

function summary(results: RunbookTestResult[], requireFull: boolean): number {
  const cases = results.flatMap((r) => r.cases);
  const failed = cases.filter((c) => !c.pass).length;
  const bad = results.filter((r) => r.diagnostics.some((d) => d.severity === 'error')).length;
  const uncovered = results.filter((r) => r.coverage && !isFullyCovered(r));
  const parts = [`${plural(cases.length, 'case')}: ${cases.length - failed} passed, ${failed} failed`];
  if (bad) parts.push(`${plural(bad, 'cases file')} with errors`);
  if (uncovered.length) parts.push(`${plural(uncovered.length, 'runbook')} not fully covered${requireFull ? ' (required)' : ''}`);
  sayRows([parts.join('; ')]);
  if (bad) return EXIT.usage;
  if (failed || (requireFull && uncovered.length)) return EXIT.runFailed;
  return EXIT.ok;
}

function everyRunbookWithCases(): { ref: string; cases?: string }[] {
  return [...catalog().values()].filter((e) => existsSync(defaultCasesFile(e.file))).map((e) => ({ ref: e.file }));
}

const isCI = () => ['1', 'true'].includes((process.env.CI ?? '').toLowerCase());

/** Writes (or prints) the case a transcript's run makes, for the runbook it ran (or the one named). */
async function fromTranscript(refs: string[], file: string, output: string | undefined): Promise<number> {
  if (refs.length > 1) throw new UserError('--from-transcript makes a case for one runbook: give at most one');
  const [{ readTranscript }, { caseFromTranscript }, { dump }] = await Promise.all([
    import('../../transcript/reader.js'), import('../../testing/from-transcript.js'), import('js-yaml')]);
  const transcript = readTranscript(file);
  const ref = refs[0] ?? transcript.header.runbook.file;
  if (!refs[0] && !existsSync(ref)) throw new UserError(`the runbook the run used (${ref}) is not there any more: name it, runbook test <runbook> --from-transcript ${file}`);
  const { runbook } = loadRunbook(ref);
  const c = caseFromTranscript(transcript, runbook);
  const toFill = Object.entries(c.steps ?? {}).filter(([, r]) => !Array.isArray(r) && String(r.value ?? '').startsWith(FILL_IN)).map(([id]) => id);
  // The case is written, but cannot pass until the author says what the operator would have answered.
  if (toFill.length) sayError(`the run stopped at ${toFill.join(', ')} without an answer: fill in steps.${toFill[0]}.value in the case (and the path and outcome it leads to)\n`);
  const item = dump([c], { lineWidth: 120, noRefs: true } as never).replace(/\n*$/, '\n');
  if (!output) {
    say(`cases:\n${item.replace(/^/gm, '  ').replace(/^ +$/gm, '')}`);
    return EXIT.ok;
  }
  const indented = item.replace(/^(?=.)/gm, '  ');
  // Through the project's writer: a symbolic link at the path is refused, a transcript is never written to.
  updateOutputFile(output, (text) => {
    if (text === undefined) {
      // The editor's schema, when a copy is beside the file (`runbook new` writes one; `runbook schema --cases`).
      const modeline = existsSync(join(dirname(output), 'runbook-cases.schema.json')) ? '# yaml-language-server: $schema=./runbook-cases.schema.json\n' : '';
      return `${modeline}cases:\n${indented}`;
    }
    const keys = text.split('\n').filter((l) => /^[A-Za-z$_][^:]*:/.test(l));
    if (!/^cases:\s*$/.test(keys[keys.length - 1] ?? '')) throw new UserError(`${output}: cases: must be its last top-level key (a block list) to add a case to it; write to a new file instead`);
    return `${text.replace(/\n*$/, '\n')}${indented}`;
  }, { adds: true });
  sayRows([`added case '${c.name}' to ${output}`, `run it: runbook test ${runbook.file} --cases ${output}`]);
  return EXIT.ok;
}
