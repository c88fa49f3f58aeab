// The dry run's closing plan, shared by plain mode and the terminal UI: what ran for real, what ran in the
// sandbox, what was only shown and why, and what a real run would ask to confirm (a for_each with its items).
import type { DryRunMode, DryRunShownBecause, GateItem } from '../engine/events.js';
import { commandLine, SHOWN_BECAUSE } from './format.js';
import { gateItemLines } from './gate-items.js';

/** The dry run's plan: which steps ran for real, which in the sandbox, which were only shown and why. `outcome`:
 *  how the run ended; a dry run that ends resolved after only showing steps fixed nothing, and says so first. */
export function dryRunPlan(modes: [string, DryRunMode][], shown: { stepId: string; command: string; because?: DryRunShownBecause; items?: GateItem[] }[], outcome?: string): string[] {
  const ids = (m: DryRunMode) => modes.filter(([, mode]) => mode === m).map(([id]) => id);
  const lines: string[] = [];
  if (outcome === 'resolved' && shown.length) {
    lines.push(`nothing was fixed: ${shown.map((a) => a.stepId).join(', ')} only shown; a real run ends resolved here only if ${shown.length === 1 ? 'it works' : 'they work'}`);
  }
  if (ids('ran').length) lines.push(`ran for real (read-only): ${ids('ran').join(', ')}`);
  if (ids('sandboxed').length) lines.push(`ran in the sandbox (read-only files, no signals): ${ids('sandboxed').join(', ')}`);
  for (const because of ['no-sandbox', 'safe-because', 'remote'] as const) {
    const these = shown.filter((a) => a.because === because);
    if (these.length) lines.push(`shown, not run (${SHOWN_BECAUSE[because]}): ${these.map((a) => a.stepId).join(', ')}`);
  }
  const gated = shown.filter((a) => a.because === undefined || a.because === 'destructive');
  if (!gated.length) return [...lines, 'no destructive step was reached'];
  lines.push('a real run would ask you to confirm:');
  for (const a of gated) {
    lines.push(`  - ${a.stepId}: ${commandLine(a.command)}`);
    if (a.items) lines.push(...gateItemLines(a.items).map((l) => `      ${l}`));
  }
  return lines;
}

