// The confirmation before a destructive step (rows from src/ui/frame/gate.ts). y / s / a answer it; no other key
// does. High risk: the operator types the step id and Enter. Keys count only once the gate is armed (type-ahead:
// use-armed.ts) and only while its keys line is drawn: on a terminal too short for it, nothing answers the gate.
import { useRef, useState } from 'react';
import { useInput } from 'ink';
import type { ConfirmAnswer, ConfirmationRequested } from '../../engine/events.js';
import { gatePart } from '../frame/gate.js';
import type { ArmScheduler } from './use-gate-arming.js';
import { useArmed } from './use-armed.js';
import { useLineInput } from './use-line-input.js';
import { Rows } from './Rows.js';

export type GateAnswer = (answer: ConfirmAnswer, how: 'key' | 'typed') => void;

/** rows: what the frame gave the panel (src/ui/frame/budget.ts). active: the gate owns the keys. */
export interface GatePanelProps { gate: ConfirmationRequested; rows: number; width: number; active: boolean; arming: ArmScheduler; onAnswer: GateAnswer }

const KEY_ANSWERS: Record<string, ConfirmAnswer> = { y: 'yes', s: 'skip', a: 'abort' };

export function GatePanel({ gate, rows, width, active, arming, onAnswer }: GatePanelProps) {
  const high = gate.risk === 'high';
  const { shown: armedShown, armed } = useArmed(arming);
  const [error, setError] = useState('');
  // Whether the keys line is on screen: the frame drawn last had it (read by the key handlers).
  const drawn = useRef(false);
  const takes = () => armed() && drawn.current;
  const field = useLineInput({
    // Keys typed before the panel was seen go nowhere: not into the field, where a later Enter would send them.
    isActive: active && high,
    accepts: takes,
    onSubmit(value) {
      const text = value.trim();
      if (!takes()) { field.clear(); return; }
      if (text === gate.stepId) onAnswer('yes', 'typed');
      else if (text === 'skip') onAnswer('skip', 'typed');
      else if (text === 'abort') onAnswer('abort', 'typed');
      else { setError(`type ${gate.stepId} exactly to run it`); field.clear(); }
    },
    onCancel() { field.clear(); setError(''); },
  });
  useInput((input) => {
    const answer = KEY_ANSWERS[input];
    if (answer && takes()) onAnswer(answer, 'key');
  }, { isActive: active && !high });
  const part = gatePart({ gate, width, keys: armedShown ? 'live' : 'arming', active, typed: { value: field.value, error } });
  drawn.current = armedShown && part.keysShown(rows);
  return <Rows rows={part.rows(rows)} />;
}
