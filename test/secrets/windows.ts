// What masking tests look for: every qualifying window of a secret (issue #29: max(8, ⅔ of its length)).

/** The windows that must never be shown: every run of max(8, ⅔ n) code points (all of it when that is longer). */
export function windowsOf(s: string): string[] {
  const cps = [...s];
  const w = Math.max(8, Math.ceil((2 * cps.length) / 3));
  if (w >= cps.length) return [s];
  const out: string[] = [];
  for (let i = 0; i + w <= cps.length; i++) out.push(cps.slice(i, i + w).join(''));
  return out;
}

/** A value of 3 characters is masked only where it stands alone (Redactor.add): trim(' abc') in 'xabcx' is not
 *  looked for. */
export function leaked(outputs: string[], secret: string): string | undefined {
  if ([...secret].length < 4) return undefined;
  for (const w of windowsOf(secret)) for (const o of outputs) if (o.includes(w)) return `${JSON.stringify(w)} in ${JSON.stringify(o)}`;
  return undefined;
}

// The test's own renderings (what the engine, bash and the usual tools print).
export const sq = (s: string) => s.replace(/'/g, `'\\''`);
const dq = (s: string) => s.replace(/[\\"$`]/g, '\\$&');
export const json = (s: string) => JSON.stringify(s).slice(1, -1);
const ansi = (s: string) => s.replace(/[\\']/g, '\\$&');
export const RENDERINGS = [(s: string) => s, sq, dq, json, ansi, (s: string) => sq(json(s)), (s: string) => json(json(s))];

/** The separators a secret printed one character at a time is spaced with in the masking tests: spaces, lines
 *  (Unix and DOS), table cells with their rules (ASCII and box drawing, one row per line), tabs, a list. */
export const SEPARATORS = [' ', '\n', '\r\n', ' | ', '|', ' │ ', ' |\n| ', '\t', ', '];
