// What an input's value must be, given its type and pattern: the one rule for values given at run time
// (engine/inputs.ts) and for the defaults written in the runbook (validate/inputs-check.ts).

/** The value as the runbook sees it, or why it does not fit. */
export function checkInputValue(name: string, raw: string | number | boolean, type: string, pattern?: string): { value: unknown } | string {
  const text = String(raw);
  if (pattern && !new RegExp(pattern).test(text)) return `input '${name}' does not match ${pattern}`;
  if (type === 'number') return Number.isFinite(Number(text)) && text.trim() !== '' ? { value: Number(text) } : `input '${name}' must be a number`;
  if (type === 'boolean') {
    if (/^(true|yes|1)$/i.test(text)) return { value: true };
    if (/^(false|no|0)$/i.test(text)) return { value: false };
    return `input '${name}' must be true or false`;
  }
  if (type === 'url' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return `input '${name}' must be a URL such as postgres://user@host:5432/db`;
  return { value: raw };
}
