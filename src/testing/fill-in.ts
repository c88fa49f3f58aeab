// Marks a scripted answer the author must write: `runbook test --from-transcript` puts it where the run stopped
// at a question with no answer, and the case checks (case-checks.ts) refuse it, located, until the author does.
export const FILL_IN = '<fill in';
