// A called runbook's events, gates and questions as the calling run shows them: step ids under the calling
// step (`call-step/child-step`), its start as the calling step's `called-runbook` line, its finish dropped (the
// calling step's own finish says how it ended).
import type { RunEvent } from './events.js';
import type { PendingGate } from './gate.js';
import type { PendingQuestion } from './run-options.js';

export function relabelGate(g: PendingGate, prefix: string): PendingGate {
  return { ...g, stepId: `${prefix}/${g.stepId}`, event: { ...g.event, stepId: `${prefix}/${g.event.stepId}` } };
}

export function relabelQuestion(q: PendingQuestion, prefix: string): PendingQuestion {
  return { ...q, question: { ...q.question, stepId: `${prefix}/${q.question.stepId}` } };
}

/** A child's event as the parent shows it; the child's own start and finish are the calling step's. */
export function relabel(e: RunEvent, prefix: string): RunEvent | undefined {
  const p = (id: string) => `${prefix}/${id}`;
  switch (e.type) {
    // Its start names the file it ran (a resume compares it); its finish is the calling step's.
    case 'run-started': return { type: 'called-runbook', stepId: prefix, runbook: { name: e.runbook.name, file: e.runbook.file, sha256: e.runbook.sha256 } };
    case 'run-finished': return undefined;
    case 'connection-addresses': return { ...e, calledFrom: e.calledFrom ? p(e.calledFrom) : prefix };
    case 'branch': return { ...e, from: p(e.from), to: p(e.to) };
    case 'question-asked': return { ...e, question: { ...e.question, stepId: p(e.question.stepId) } };
    case 'note': return e.stepId ? { ...e, stepId: p(e.stepId) } : e;
    case 'application-check': return e;
    default: return { ...e, stepId: p(e.stepId) };
  }
}
