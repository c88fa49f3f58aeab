import { stepKind } from '../../language/flow.js';
import { loadRunbook } from '../../catalog/load-runbook.js';
import { sayRows } from '../say.js';
import { vouchedFor } from '../../language/vouched.js';
import { blockRows } from '../../ui/flat-row.js';

const SUMMARY_MARK = '  | ';

export async function showCommand(ref: string): Promise<number> {
  const { runbook, entry } = loadRunbook(ref);
  const doc = runbook.doc;
  const out: string[] = [`${doc.title}  (${doc.name}, ${entry.origin}: ${entry.file})`];
  // The summary is a block of the author's lines, each marked as theirs: no engine row starts with `  | `.
  if (doc.summary) out.push('', ...blockRows(doc.summary.trim(), SUMMARY_MARK));
  const inputs = Object.entries(doc.inputs ?? {});
  if (inputs.length) {
    out.push('', 'Inputs:');
    for (const [name, spec] of inputs) {
      const bits = [spec.required ? 'required' : 'optional', spec.secret ? 'secret' : '', spec.env ? `env ${spec.env}` : '',
        // A secret's default is a secret: said to exist, never printed.
        spec.default === undefined ? '' : spec.secret ? 'has a default' : `default ${String(spec.default)}`].filter(Boolean).join(', ');
      out.push(`  ${name}  (${bits})${spec.description ? ` — ${spec.description}` : ''}`);
    }
  }
  out.push('', 'Steps:');
  doc.steps.forEach((s, i) => {
    const kind = stepKind(s) ?? '?';
    const flag = s.destructive ? `  [DESTRUCTIVE: asks before running${s.for_each ? ', listing every item' : ''}]` : '';
    const base = kind === 'end' ? `end: ${s.end}` : kind === 'probe' ? `probe ${s.probe}` : kind;
    const label = s.for_each ? `${base} for each of ${s.for_each.in}` : base;
    out.push(`  ${String(i + 1).padStart(2)}. ${s.id}  (${label})${s.title ? ` — ${s.title}` : ''}${flag}`);
    // Vouched for, not proven (a probe of stop 70: show printed neither, and "No destructive steps." of a runbook
    // whose vouched step wrote a file): the author's reason, as the gate's docs say show prints it.
    if (vouchedFor(s)) out.push(`      not proven a read; the author vouches: ${s.safe_because!}`);
  });
  const destructive = doc.steps.filter((s) => s.destructive).map((s) => s.id);
  const vouched = doc.steps.filter(vouchedFor).map((s) => s.id);
  const calls = doc.steps.filter((s) => s.runbook !== undefined).map((s) => s.id);
  out.push('', destructive.length ? `Destructive steps: ${destructive.join(', ')}` : 'No destructive steps of its own.');
  if (vouched.length) out.push(`Vouched for by the author (not proven, not asked): ${vouched.join(', ')}`);
  if (calls.length) out.push(`Calls other runbooks (their destructive steps ask when they run): ${calls.join(', ')}`);
  // Each row one row, whatever its fields hold (a title's line breaks drawn ⏎, cut at the terminal's width).
  sayRows(out, 6);
  return 0;
}
