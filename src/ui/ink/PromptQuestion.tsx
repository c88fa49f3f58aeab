// A prompt step (rows from src/ui/frame/question.ts): typed text (masked when secret), checked against its
// pattern or choices before it goes back. Enter alone takes the default: not before the question was shown a
// moment (type-ahead), nor while its field is not drawn.
import { useRef, useState } from 'react';
import type { PromptAction } from '../../executors/types.js';
import { checkPrompt } from '../answers.js';
import { promptPart } from '../frame/question.js';
import type { ArmScheduler } from './use-gate-arming.js';
import { useOwns } from './key-owner.js';
import { useArmed } from './use-armed.js';
import { useLineInput } from './use-line-input.js';
import { Rows } from './Rows.js';

export interface PromptQuestionProps { stepId: string; action: PromptAction; rows: number; width: number; active: boolean; arming: ArmScheduler; onAnswer(value: string, how: 'typed'): void }

export function PromptQuestion({ stepId, action, rows, width, active, arming, onAnswer }: PromptQuestionProps) {
  const { shown: armedShown, armed } = useArmed(arming);
  const owns = useOwns();
  const drawn = useRef(false);
  const [error, setError] = useState('');
  const field = useLineInput({
    isActive: active,
    accepts: () => armed() && drawn.current && owns('prompt'), // typed before the question was shown, or another part's: dropped
    onSubmit(value) {
      const checked = checkPrompt(action, value);
      if ('error' in checked) { setError(checked.error); return; }
      setError('');
      field.clear();
      onAnswer(checked.value, 'typed');
    },
    onCancel() { field.clear(); },
  });
  const part = promptPart(stepId, action, width, armedShown ? 'live' : 'arming', field.value, error);
  drawn.current = armedShown && part.keysShown(rows);
  return <Rows rows={part.rows(rows)} />;
}
