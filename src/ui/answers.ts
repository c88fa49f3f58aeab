// Checks an operator's answer to a manual or prompt step, the same way in the terminal UI and plain mode.
import type { ManualAction, PromptAction, Question } from '../executors/types.js';
import { expectedAnswer } from '../language/pattern-words.js';

export type Checked = { value: string } | { error: string };

export function checkAnswer(question: Question, raw: string): Checked {
  return question.action.kind === 'manual' ? checkManual(question.action, raw) : checkPrompt(question.action, raw);
}

/** Without choices a manual step only needs "done"; with choices, one of them (by name or number). */
export function checkManual(action: ManualAction, raw: string): Checked {
  const text = raw.trim();
  if (!action.choices?.length) {
    return ['', 'd', 'done', 'y', 'yes'].includes(text.toLowerCase()) ? { value: 'done' } : { error: "press Enter (or type 'done') when it is done" };
  }
  return pickChoice(action.choices, text);
}

/** An empty answer takes the default: it is passed on empty and the prompt executor puts the default in (what a
 *  UI sees of a secret default is its mask; `validate` has already checked the default against the pattern). */
export function checkPrompt(action: PromptAction, raw: string): Checked {
  if (raw === '' && action.default !== undefined) return { value: '' };
  const text = raw;
  if (action.choices?.length) return pickChoice(action.choices, text.trim());
  if (action.pattern) {
    let re: RegExp;
    // Anchored, as the prompt executor checks it: the pattern must match the whole answer.
    try { re = new RegExp(`^(?:${action.pattern})$`, 'u'); } catch { return text ? { value: text } : { error: 'an answer is required' }; }
    // Said in words (the runbook's `expected`, else the pattern read out), not as a regular expression.
    return re.test(text) ? { value: text } : { error: `expected ${expectedAnswer(action)}` };
  }
  return text ? { value: text } : { error: 'an answer is required' };
}

function pickChoice(choices: string[], text: string): Checked {
  if (choices.includes(text)) return { value: text };
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (n >= 1 && n <= choices.length) return { value: choices[n - 1]! };
  return { error: `choose one of: ${choices.join(', ')}` };
}
