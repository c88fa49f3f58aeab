// A manual step: the instructions, then d / Enter when done, or a choice (1-9, or ↑↓ and Enter).
import { useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { ManualAction } from '../../executors/types.js';
import { Key } from './GatePanel.js';
import { Markdown } from './Markdown.js';
import { useColor } from './theme.js';
import { useArmed } from './use-armed.js';

export interface ManualQuestionProps { stepId: string; action: ManualAction; active: boolean; armMs: number; onAnswer(value: string, how: 'key'): void }

export function ManualQuestion({ stepId, action, active, armMs, onAnswer: answer }: ManualQuestionProps) {
  const color = useColor();
  const armed = useArmed(armMs);
  const onAnswer = (value: string) => answer(value, 'key');
  const choices = action.choices ?? [];
  const [selected, setSelectedState] = useState(0);
  // A ref too: ↓ and Enter can arrive in one chunk, before a re-render refreshes this handler.
  const ref = useRef(0);
  const setSelected = (f: (i: number) => number) => { ref.current = f(ref.current); setSelectedState(ref.current); };
  useInput((input, key) => {
    if (!choices.length) {
      if (input === 'd' || key.return) onAnswer('done');
      return;
    }
    const n = Number(input);
    if (Number.isInteger(n) && n >= 1 && n <= choices.length) onAnswer(choices[n - 1]!);
    else if (key.upArrow) setSelected((i) => Math.max(0, i - 1));
    else if (key.downArrow) setSelected((i) => Math.min(choices.length - 1, i + 1));
    else if (key.return) onAnswer(choices[ref.current]!);
  }, { isActive: active && armed });
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color('active')} paddingX={1} marginTop={1}>
      <Text bold color={color('active')}>MANUAL STEP  <Text color={undefined}>{stepId}</Text></Text>
      <Markdown source={action.instructions} />
      <Box marginTop={1} flexDirection="column">
        {choices.length
          ? choices.map((c, i) => (
            <Text key={c} inverse={i === selected}>{i === selected ? '›' : ' '} {i + 1}. {c}</Text>
          ))
          : <Text><Key k="d" /> or <Key k="Enter" /> when it is done</Text>}
        {choices.length ? <Text color={color('dim')}>1-{choices.length} or ↑↓ + Enter to answer</Text> : null}
      </Box>
    </Box>
  );
}
