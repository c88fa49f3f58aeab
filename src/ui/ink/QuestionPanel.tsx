// The open question of a manual or prompt step; answers go back through run.answer.
import type { QuestionAsked } from '../../engine/events.js';
import { ManualQuestion } from './ManualQuestion.js';
import { PromptQuestion } from './PromptQuestion.js';

import type { AnswerHow } from '../../engine/events.js';

/** armMs: keys are ignored for this long after the question appears (use-armed.ts). */
export interface QuestionPanelProps { question: QuestionAsked; active: boolean; armMs: number; onAnswer(questionId: string, value: string, how: AnswerHow): void }

export function QuestionPanel({ question, active, armMs, onAnswer }: QuestionPanelProps) {
  const { action, stepId } = question.question;
  const answer = (value: string, how: AnswerHow) => onAnswer(question.questionId, value, how);
  // Keyed by question id: a new question starts with an empty field.
  return action.kind === 'manual'
    ? <ManualQuestion key={question.questionId} stepId={stepId} action={action} active={active} armMs={armMs} onAnswer={answer} />
    : <PromptQuestion key={question.questionId} stepId={stepId} action={action} active={active} armMs={armMs} onAnswer={answer} />;
}
