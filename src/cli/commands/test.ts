// `runbook test`: run each runbook's cases through the real engine with scripted results (nothing is
// executed) and report failing cases and routes no case takes.
import { existsSync } from 'node:fs';
import { catalog } from '../../catalog/discover.js';
import { defaultCasesFile, testRunbook, type RunbookTestResult } from '../../testing/index.js';
import { formatResult, isFullyCovered } from '../../testing/report.js';
import { loadRunbook } from '../load-runbook.js';
import { EXIT, UserError } from '../../common/errors.js';

export interface TestFlags { cases?: string; requireFullCoverage?: boolean }

export async function testCommand(refs: string[], flags: TestFlags): Promise<number> {
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
    process.stdout.write(`${formatResult(result).join('\n')}\n`);
  }
  return summary(results, requireFull);
}

function summary(results: RunbookTestResult[], requireFull: boolean): number {
  const cases = results.flatMap((r) => r.cases);
  const failed = cases.filter((c) => !c.pass).length;
  const bad = results.filter((r) => r.diagnostics.some((d) => d.severity === 'error')).length;
  const uncovered = results.filter((r) => r.coverage && !isFullyCovered(r));
  const parts = [`${cases.length} case${cases.length === 1 ? '' : 's'}: ${cases.length - failed} passed, ${failed} failed`];
  if (bad) parts.push(`${bad} cases file${bad === 1 ? '' : 's'} with errors`);
  if (uncovered.length) parts.push(`${uncovered.length} runbook${uncovered.length === 1 ? '' : 's'} not fully covered${requireFull ? ' (required)' : ''}`);
  process.stdout.write(`${parts.join('; ')}\n`);
  if (bad) return EXIT.usage;
  if (failed || (requireFull && uncovered.length)) return EXIT.runFailed;
  return EXIT.ok;
}

function everyRunbookWithCases(): { ref: string; cases?: string }[] {
  return [...catalog().values()].filter((e) => existsSync(defaultCasesFile(e.file))).map((e) => ({ ref: e.file }));
}

const isCI = () => ['1', 'true'].includes((process.env.CI ?? '').toLowerCase());
