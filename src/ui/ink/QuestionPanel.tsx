// The open question of a manual or prompt step; answers go back through run.answer.
import type { ArmScheduler } from './use-gate-arming.js';
import type { AnswerHow, QuestionAsked } from '../../engine/events.js';
import { ManualQuestion } from './ManualQuestion.js';
import { PromptQuestion } from './PromptQuestion.js';

/** arming: when the question takes keys (use-armed.ts; the gate's scheduler). rows: what the frame gave it. */
export interface QuestionPanelProps { question: QuestionAsked; rows: number; width: number; active: boolean; arming: ArmScheduler; onAnswer(questionId: string, value: string, how: AnswerHow): void }

export function QuestionPanel({ question, rows, width, active, arming, onAnswer }: QuestionPanelProps) {
  const { action, stepId } = question.question;
  const answer = (value: string, how: AnswerHow) => onAnswer(question.questionId, value, how);
  // Keyed by question id: a new question starts with an empty field.
  return action.kind === 'manual'
    ? <ManualQuestion key={question.questionId} stepId={stepId} action={action} rows={rows} width={width} active={active} arming={arming} onAnswer={answer} />
    : <PromptQuestion key={question.questionId} stepId={stepId} action={action} rows={rows} width={width} active={active} arming={arming} onAnswer={answer} />;
}
