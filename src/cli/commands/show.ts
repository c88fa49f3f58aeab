import { stepKind } from '../../language/flow.js';
import { loadRunbook } from '../../catalog/load-runbook.js';
import { say } from '../say.js';

export async function showCommand(ref: string): Promise<number> {
  const { runbook, entry } = loadRunbook(ref);
  const doc = runbook.doc;
  const out: string[] = [`${doc.title}  (${doc.name}, ${entry.origin}: ${entry.file})`];
  if (doc.summary) out.push('', doc.summary.trim());
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
  });
  const destructive = doc.steps.filter((s) => s.destructive).map((s) => s.id);
  out.push('', destructive.length ? `Destructive steps: ${destructive.join(', ')}` : 'No destructive steps.');
  say(`${out.join('\n')}\n`);
  return 0;
}
