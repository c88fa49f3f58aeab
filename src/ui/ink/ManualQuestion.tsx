// A manual step (rows from src/ui/frame/question.ts): d / Enter when done, or a choice (1-9, or ↑↓ and Enter).
// Keys count once the question is armed (type-ahead) and only while its choices and keys are drawn: Enter never
// takes a choice the operator could not see.
import { useRef, useState } from 'react';
import { useInput } from 'ink';
import type { ManualAction } from '../../executors/types.js';
import { manualPart } from '../frame/question.js';
import type { ArmScheduler } from './use-gate-arming.js';
import { useOwns } from './key-owner.js';
import { useArmed } from './use-armed.js';
import { Rows } from './Rows.js';

export interface ManualQuestionProps { stepId: string; action: ManualAction; rows: number; width: number; active: boolean; arming: ArmScheduler; onAnswer(value: string, how: 'key'): void }

export function ManualQuestion({ stepId, action, rows, width, active, arming, onAnswer: answer }: ManualQuestionProps) {
  const { shown: armedShown, armed } = useArmed(arming);
  const owns = useOwns();
  const drawn = useRef(false);
  const onAnswer = (value: string) => answer(value, 'key');
  const choices = action.choices ?? [];
  const [selected, setSelectedState] = useState(0);
  // A ref too: ↓ and Enter can arrive in one chunk, before a re-render refreshes this handler.
  const ref = useRef(0);
  const setSelected = (f: (i: number) => number) => { ref.current = f(ref.current); setSelectedState(ref.current); };
  useInput((input, key) => {
    if (!armed() || !drawn.current || !owns('manual')) return; // typed before the question was shown, not on screen, or another part's: dropped
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
  const part = manualPart(stepId, action, width, armedShown ? 'live' : 'arming', selected);
  drawn.current = armedShown && part.keysShown(rows);
  return <Rows rows={part.rows(rows)} />;
}
