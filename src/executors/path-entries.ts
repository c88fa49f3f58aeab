// A step finds its commands through the operator's PATH, but only through its absolute entries. An empty entry
// (`:/usr/bin`, `/usr/bin:`, `a::b`), `.` or any relative one names the step's own working directory, which the
// runbook's `cwd:` chooses: a `cat` placed there would run in place of the `cat` the lint proved a read.

/** Where bash looks when nothing absolute is left (bash's own default ends in `.`). */
export const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** PATH without its relative entries. No PATH at all is the fallback too: bash would search its own default. */
export function absolutePath(path: string | undefined): string {
  if (path === undefined) return FALLBACK_PATH;
  const kept = path.split(':').filter((entry) => entry.startsWith('/'));
  return kept.length ? kept.join(':') : FALLBACK_PATH;
}
