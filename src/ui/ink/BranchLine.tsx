// The route the run took out of a step, and why: the condition and what it evaluated to.
import { Text } from 'ink';
import { branchTarget, formatValue } from '../format.js';
import type { BranchView } from '../view-model.js';
import { useColor } from './theme.js';

export function BranchLine({ branch }: { branch: BranchView & { from: string } }) {
  const color = useColor();
  return (
    <Text wrap="truncate-end">
      <Text color={color('accent')}>→ </Text>
      {branch.from} → <Text bold>{branchTarget(branch.to)}</Text>
      <Text color={color('dim')}>  {why(branch)}</Text>
    </Text>
  );
}

function why(b: BranchView): string {
  if (b.expression !== undefined) return `because ${b.expression} is ${formatValue(b.value)}`;
  if (b.via === 'on') return `on ${b.matched ?? 'the result'}`;
  if (b.via === 'failure') return 'because the step failed';
  if (b.via === 'next') return '(next)';
  return '(the following step)';
}
