// Checks an operator's answer to a manual or prompt step, the same way in the terminal UI and plain mode.
import type { ManualAction, PromptAction, Question } from '../executors/types.js';

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

export function checkPrompt(action: PromptAction, raw: string): Checked {
  const text = raw === '' && action.default !== undefined ? action.default : raw;
  if (action.choices?.length) return pickChoice(action.choices, text.trim());
  if (action.pattern) {
    let re: RegExp;
    // Anchored, as the prompt executor checks it: the pattern must match the whole answer.
    try { re = new RegExp(`^(?:${action.pattern})$`, 'u'); } catch { return text ? { value: text } : { error: 'an answer is required' }; }
    return re.test(text) ? { value: text } : { error: `the answer must match ${action.pattern}` };
  }
  return text ? { value: text } : { error: 'an answer is required' };
}

function pickChoice(choices: string[], text: string): Checked {
  if (choices.includes(text)) return { value: text };
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (n >= 1 && n <= choices.length) return { value: choices[n - 1]! };
  return { error: `choose one of: ${choices.join(', ')}` };
}
