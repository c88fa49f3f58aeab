// High-risk confirmation: the step id typed out, then Enter. "skip" or "abort" + Enter do those.
import { useState } from 'react';
import { Box, Text } from 'ink';
import { useLineInput } from './use-line-input.js';
import type { GateAnswer } from './GatePanel.js';
import { useColor } from './theme.js';

export interface TypedConfirmProps { stepId: string; active: boolean; armed(): boolean; onAnswer: GateAnswer }

export function TypedConfirm({ stepId, active, armed, onAnswer }: TypedConfirmProps) {
  const color = useColor();
  const [error, setError] = useState('');
  const field = useLineInput({
    // Keys typed before the panel was seen go nowhere: not into the field, where a later Enter would send them.
    isActive: active && armed(),
    onSubmit(value) {
      const text = value.trim();
      if (!armed()) { field.clear(); return; }
      if (text === stepId) onAnswer('yes', 'typed');
      else if (text === 'skip') onAnswer('skip', 'typed');
      else if (text === 'abort') onAnswer('abort', 'typed');
      else { setError(`type ${stepId} exactly to run it`); field.clear(); }
    },
    onCancel() { field.clear(); setError(''); },
  });
  return (
    <Box flexDirection="column">
      <Text>type <Text bold>{stepId}</Text> and Enter to run it · <Text bold>skip</Text> or <Text bold>abort</Text> and Enter</Text>
      <Text><Text color={color('warn')}>› </Text>{field.value}<Text inverse> </Text></Text>
      {error ? <Text color={color('bad')}>{error}</Text> : null}
    </Box>
  );
}
