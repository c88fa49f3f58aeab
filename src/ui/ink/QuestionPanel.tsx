// The open question of a manual or prompt step; answers go back through run.answer.
import type { QuestionAsked } from '../../engine/events.js';
import { ManualQuestion } from './ManualQuestion.js';
import { PromptQuestion } from './PromptQuestion.js';

export interface QuestionPanelProps { question: QuestionAsked; active: boolean; onAnswer(questionId: string, value: string): void }

export function QuestionPanel({ question, active, onAnswer }: QuestionPanelProps) {
  const { action, stepId } = question.question;
  const answer = (value: string) => onAnswer(question.questionId, value);
  // Keyed by question id: a new question starts with an empty field.
  return action.kind === 'manual'
    ? <ManualQuestion key={question.questionId} stepId={stepId} action={action} active={active} onAnswer={answer} />
    : <PromptQuestion key={question.questionId} stepId={stepId} action={action} active={active} onAnswer={answer} />;
}
