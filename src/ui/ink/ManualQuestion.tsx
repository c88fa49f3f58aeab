// A manual step: the instructions, then d / Enter when done, or a choice (1-9, or ↑↓ and Enter).
import { useRef, useState } from 'react';
import type { ArmScheduler } from './use-gate-arming.js';
import { Box, Text, useInput } from 'ink';
import type { ManualAction } from '../../executors/types.js';
import { Key } from './GatePanel.js';
import { Markdown } from './Markdown.js';
import { useColor } from './theme.js';
import { useArmed } from './use-armed.js';
import { READ_FIRST } from './TypedConfirm.js';

export interface ManualQuestionProps { stepId: string; action: ManualAction; active: boolean; arming: ArmScheduler; onAnswer(value: string, how: 'key'): void }

export function ManualQuestion({ stepId, action, active, arming, onAnswer: answer }: ManualQuestionProps) {
  const color = useColor();
  const { shown: armed, armed: armedNow } = useArmed(arming);
  const onAnswer = (value: string) => answer(value, 'key');
  const choices = action.choices ?? [];
  const [selected, setSelectedState] = useState(0);
  // A ref too: ↓ and Enter can arrive in one chunk, before a re-render refreshes this handler.
  const ref = useRef(0);
  const setSelected = (f: (i: number) => number) => { ref.current = f(ref.current); setSelectedState(ref.current); };
  useInput((input, key) => {
    if (!armedNow()) return; // typed before the question was shown: dropped
    if (!choices.length) {
      if (input === 'd' || key.return) onAnswer('done');
      return;
    }
    const n = Number(input);
    if (Number.isInteger(n) && n >= 1 && n <= choices.length) onAnswer(choices[n - 1]!);
    else if (key.upArrow) setSelected((i) => Math.max(0, i - 1));
    else if (key.downArrow) setSelected((i) => Math.min(choices.length - 1, i + 1));
    else if (key.return) onAnswer(choices[ref.current]!);
  }, { isActive: active });
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color('active')} paddingX={1} marginTop={1}>
      <Text bold color={color('active')}>MANUAL STEP  <Text color={undefined}>{stepId}</Text></Text>
      <Markdown source={action.instructions} />
      <Box marginTop={1} flexDirection="column">
        {choices.map((c, i) => (
          <Text key={c} inverse={i === selected}>{i === selected ? '›' : ' '} {i + 1}. {c}</Text>
        ))}
        {/* The keys are shown once they work (like a gate's): an operator, or a test, who answers when they
            appear is never dropped by the arming window, however late a loaded machine ends it (issue #20). */}
        {!armed
          ? <Text color={color('dim')}>{READ_FIRST}</Text>
          : choices.length
          ? <Text color={color('dim')}>1-{choices.length} or ↑↓ + Enter to answer</Text>
          : <Text><Key k="d" /> or <Key k="Enter" /> when it is done</Text>}
      </Box>
    </Box>
  );
}
