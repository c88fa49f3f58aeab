// A prompt step: typed text (masked when secret), checked against its pattern or choices before it goes back.
import { useState } from 'react';
import type { ArmScheduler } from './use-gate-arming.js';
import { Box, Text } from 'ink';
import type { PromptAction } from '../../executors/types.js';
import { checkPrompt } from '../answers.js';
import { useLineInput } from './use-line-input.js';
import { useColor } from './theme.js';
import { useArmed } from './use-armed.js';
import { READ_FIRST } from './TypedConfirm.js';

export interface PromptQuestionProps { stepId: string; action: PromptAction; active: boolean; arming: ArmScheduler; onAnswer(value: string, how: 'typed'): void }

export function PromptQuestion({ stepId, action, active, arming, onAnswer }: PromptQuestionProps) {
  const color = useColor();
  // Enter alone accepts the default: not before the question has been on screen a moment.
  const { shown: armed, armed: armedNow } = useArmed(arming);
  const [error, setError] = useState('');
  const field = useLineInput({
    isActive: active,
    accepts: armedNow, // typed before the question was shown: dropped
    onSubmit(value) {
      const checked = checkPrompt(action, value);
      if ('error' in checked) { setError(checked.error); return; }
      setError('');
      field.clear();
      onAnswer(checked.value, 'typed');
    },
    onCancel() { field.clear(); },
  });
  const shown = action.secret ? '•'.repeat(field.value.length) : field.value;
  const hints = [
    action.default !== undefined && !action.secret ? `Enter for ${action.default}` : '',
    action.choices?.length ? `one of: ${action.choices.join(', ')}` : '',
    action.pattern ? `must match ${action.pattern}` : '',
    action.secret ? 'hidden as you type' : '',
  ].filter(Boolean).join(' · ');
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color('active')} paddingX={1} marginTop={1}>
      <Text bold color={color('active')}>QUESTION  <Text color={undefined}>{stepId}</Text></Text>
      <Text>{action.message}</Text>
      {hints ? <Text color={color('dim')}>{hints}</Text> : null}
      {/* The field is shown once it takes keys (see ManualQuestion). */}
      {armed
        ? <Text><Text color={color('active')}>› </Text>{shown}<Text inverse> </Text></Text>
        : <Text color={color('dim')}>{READ_FIRST}</Text>}
      {error ? <Text color={color('bad')}>{error}</Text> : null}
    </Box>
  );
}
