// Events of a called runbook (`runbook:` steps) reach the transcript relabelled `calling-step/inner-step`.
// Step ids cannot contain '/', so the slash alone marks them.

export const isNested = (id: string | undefined): boolean => id !== undefined && id.includes('/');
