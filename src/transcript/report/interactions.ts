// What the operator was asked and said: confirmations (with who answered, how and after how long),
// questions from manual and prompt steps, and notes.
import type { TranscriptLine } from '../../events/schema.js';
import type { ConfirmationRow, NoteRow, QuestionRow } from './model.js';
import { clock } from './format.js';
import { exactText } from '../../ui/visible-text.js'; // a command as the gate draws it: every character that runs
import { exactItems, exactSettings, exactTarget } from '../../ui/gate-exact.js';

export interface Interactions { confirmations: ConfirmationRow[]; questions: QuestionRow[]; notes: NoteRow[] }

/** What the operator was asked and said, one line at a time (a run asks a person: these stay few). */
export class InteractionsFold {
  private readonly confirmations: ConfirmationRow[] = [];
  private readonly questions = new Map<string, QuestionRow>();
  private readonly notes: NoteRow[] = [];

  take(line: TranscriptLine): void {
    if (line.type === 'confirmation-requested') {
      const settings = [...(line.target ? [`on: ${exactTarget(line)}`] : []), ...exactSettings(line).map((s) => `${s.label || 'env'}: ${s.value}`)];
      this.confirmations.push({ ts: line.ts, stepId: line.stepId, title: line.title, question: line.question, command: exactText(line.command), risk: line.risk, askedAgainAfterResume: line.resumed || line.ranBefore === true, settings, ...(line.items ? { items: exactItems(line.items) } : {}) });
    } else if (line.type === 'confirmation-answered') {
      const row = [...this.confirmations].reverse().find((c) => c.stepId === line.stepId && c.answer === undefined);
      // Four eyes: the teammate the store named, and when; a denial's or break-glass's reason beside how.
      const by = line.approver ? `${line.answer === 'yes' ? 'approved' : 'denied'} by ${line.approver}${line.decidedAt ? `, ${clock(line.decidedAt)}` : ''} (driver ${line.by})` : line.by;
      if (row) Object.assign(row, { answer: line.answer, by, how: line.reason ? `${line.how}: ${line.reason}` : line.how, waitedMs: line.waitedMs });
    } else if (line.type === 'question-asked') {
      const a = line.question.action;
      this.questions.set(line.questionId, { ts: line.ts, stepId: line.question.stepId, question: a.kind === 'manual' ? a.instructions : a.message });
    } else if (line.type === 'question-answered') {
      const row = this.questions.get(line.questionId);
      if (row) row.answer = line.answer;
    } else if (line.type === 'note') {
      this.notes.push({ ts: line.ts, by: line.by, text: line.text, ...(line.stepId ? { stepId: line.stepId } : {}) });
    }
  }

  result(): Interactions { return { confirmations: this.confirmations, questions: [...this.questions.values()], notes: this.notes }; }
}
