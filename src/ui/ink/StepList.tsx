// The steps in runbook order; on a short terminal, a window around the current step.
import { Box, Text } from 'ink';
import { windowAround } from '../layout.js';
import type { ViewModel } from '../view-model.js';
import { StepRow } from './StepRow.js';
import { useColor } from './theme.js';

export function StepList({ vm, now, maxRows }: { vm: ViewModel; now: number; maxRows: number }) {
  const color = useColor();
  const { start, end } = windowAround(vm.steps.length, vm.steps.findIndex((s) => s.id === vm.currentStepId), maxRows);
  const idWidth = Math.min(24, Math.max(4, ...vm.steps.map((s) => s.id.length)));
  const waitingOn = new Set(vm.questions.map((q) => q.question.stepId));
  return (
    <Box flexDirection="column" marginTop={1}>
      {start > 0 ? <Text color={color('dim')}>  … {start} earlier step{start > 1 ? 's' : ''}</Text> : null}
      {vm.steps.slice(start, end).map((step) => (
        <StepRow key={step.id} step={step} now={now} runOver={vm.finished !== undefined} current={step.id === vm.currentStepId}
          waiting={waitingOn.has(step.id)} idWidth={idWidth} />
      ))}
      {end < vm.steps.length ? <Text color={color('dim')}>  … {vm.steps.length - end} more step{vm.steps.length - end > 1 ? 's' : ''}</Text> : null}
    </Box>
  );
}
