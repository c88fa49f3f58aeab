// High-risk confirmation: the step id typed out, then Enter. "skip" or "abort" + Enter do those.
// Mounted with the gate, before it arms, its key listener on from the start: ink attaches a listener in an
// effect, which React may run after the frame that shows the field, so a field mounted at arming could lose
// keys typed the moment it was shown (issue #20). Keys are dropped only while the gate is unarmed (`armed()`
// per key).
import { useState } from 'react';
import { Box, Text } from 'ink';
import { useLineInput } from './use-line-input.js';
import type { GateAnswer } from './GatePanel.js';
import { useColor } from './theme.js';

/** What a gate or a question shows in place of its keys until they work (use-gate-arming.ts, use-armed.ts). */
export const READ_FIRST = 'read it first: the keys work in a moment';

/** keysLive: armed, for the frame (until then the panel says to read first, and shows no field). */
export interface TypedConfirmProps { stepId: string; active: boolean; armed(): boolean; keysLive: boolean; onAnswer: GateAnswer }

export function TypedConfirm({ stepId, active, armed, keysLive, onAnswer }: TypedConfirmProps) {
  const color = useColor();
  const [error, setError] = useState('');
  const field = useLineInput({
    // Keys typed before the panel was seen go nowhere: not into the field, where a later Enter would send them.
    isActive: active,
    accepts: armed,
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
  if (!keysLive) return <Text color={color('dim')}>{READ_FIRST}</Text>;
  return (
    <Box flexDirection="column">
      <Text>type <Text bold>{stepId}</Text> and Enter to run it · <Text bold>skip</Text> or <Text bold>abort</Text> and Enter</Text>
      <Text><Text color={color('warn')}>› </Text>{field.value}<Text inverse> </Text></Text>
      {error ? <Text color={color('bad')}>{error}</Text> : null}
    </Box>
  );
}
