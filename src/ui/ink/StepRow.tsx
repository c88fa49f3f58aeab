// One step in the list: status icon (spinner while running), id, title, kind, status and duration.
import { Box, Text } from 'ink';
import { branchTarget } from '../format.js';
import { stepStatus } from '../step-status.js';
import type { StepView } from '../view-model.js';
import { Spinner } from './Spinner.js';
import { useColor } from './theme.js';

export interface StepRowProps { step: StepView; now: number; runOver: boolean; current: boolean; waiting: boolean; idWidth: number }

export function StepRow({ step, now, runOver, current, waiting, idWidth }: StepRowProps) {
  const color = useColor();
  const status = stepStatus(step, now, runOver, waiting);
  const tone = color(status.tone);
  return (
    <Box>
      <Box width={2}>{status.spinning ? <Spinner now={now} color={tone} /> : <Text color={tone}>{status.icon}</Text>}</Box>
      <Box width={idWidth + 1}><Text bold={current} wrap="truncate-end">{step.id}</Text></Box>
      <Box width={28}><Text color={color('dim')} wrap="truncate-end">{step.title !== step.id ? step.title : ''}</Text></Box>
      <Box width={8}><Text color={color('dim')}>{step.kind ?? ''}{step.destructive ? '!' : ''}</Text></Box>
      <Box flexGrow={1}>
        <Text color={tone} wrap="truncate-end">
          {status.text}
          {step.branch && step.state !== 'running' ? <Text color={color('dim')}>  → {branchTarget(step.branch.to)}</Text> : null}
        </Text>
      </Box>
    </Box>
  );
}
