// What the operator's terminal can show, read once at start: how many colours its terminfo entry says it has
// (`tput colors`: xterm-mono says -1, so no colour however NO_COLOR is set), and whether the locale's character
// set is UTF-8 (else the screen is drawn in ASCII: boxes, marks and the spinner; ascii-text.ts).
import { spawnSync } from 'node:child_process';

/** The terminal's colours as terminfo knows them; undefined when it cannot be asked (no tput, no entry). */
export function termColors(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const term = env.TERM?.trim();
  if (!term) return undefined;
  try {
    const r = spawnSync('tput', ['colors'], {
      env: { PATH: env.PATH ?? '/usr/bin:/bin', TERM: term, ...(env.TERMINFO ? { TERMINFO: env.TERMINFO } : {}), ...(env.TERMINFO_DIRS ? { TERMINFO_DIRS: env.TERMINFO_DIRS } : {}) },
      encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'],
    });
    const n = r.status === 0 ? Number(r.stdout.trim()) : NaN;
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the locale's character set is UTF-8: LC_ALL, else LC_CTYPE, else LANG, as the C library picks them.
 *  None set is the POSIX locale, ASCII. */
export function utf8Locale(env: NodeJS.ProcessEnv = process.env): boolean {
  const ctype = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /\.utf-?8(@|$)/i.test(ctype);
}
