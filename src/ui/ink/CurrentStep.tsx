// The step in focus: what it is, why it exists (its description), what it runs, and where the run went.
import { Box, Text } from 'ink';
import type { StepView, ViewModel } from '../view-model.js';
import { BranchLine } from './BranchLine.js';
import { useColor } from './theme.js';

const MAX_COMMAND_LINES = 3;

export function CurrentStep({ vm, step }: { vm: ViewModel; step: StepView | undefined }) {
  const color = useColor();
  // A manual or prompt step's "command" is its text, which the question panel shows in full.
  const asks = step?.kind === 'manual' || step?.kind === 'prompt';
  const command = asks ? [] : step?.command?.trim().split('\n') ?? [];
  return (
    <Box flexDirection="column" marginTop={1}>
      {step ? (
        <>
          <Text wrap="truncate-end"><Text bold>{step.id}</Text>{step.title !== step.id ? <Text> · {step.title}</Text> : null}</Text>
          {step.description ? <Text color={color('dim')} wrap="wrap">why: {step.description.trim()}</Text> : null}
          {command.slice(0, MAX_COMMAND_LINES).map((line, i) => (
            <Text key={i} wrap="truncate-end" color={color('active')}>{i === 0 ? '$ ' : '  '}{line}</Text>
          ))}
          {command.length > MAX_COMMAND_LINES ? <Text color={color('dim')}>  … {command.length - MAX_COMMAND_LINES} more lines</Text> : null}
          {step.where ? <Text wrap="truncate-end" color={color('dim')}>on {step.where}</Text> : null}
        </>
      ) : <Text color={color('dim')}>starting…</Text>}
      {vm.lastBranch ? <BranchLine branch={vm.lastBranch} /> : null}
    </Box>
  );
}
