// A date string (date -d, find -newerXt) is read by gnulib's parse_datetime, which takes a leading `TZ="…"` as the
// zone for that date and sets TZ to it: a path there is a file glibc opens and reads as a zone file, as TZ set
// anywhere else (shell-vars.ts). `date -d 'TZ="/tmp/zone" now'` and `find . -newermt 'TZ="/proc/kmsg" 2020-01-01'`
// opened the author's file (a probe of stop 75). Proven: no `=` in the string, or only a leading TZ="zone".
import { zoneName } from '../shell-vars.js';
import type { Word } from '../shell-words.js';
import { shownWord } from './read-options.js';

/** Why the date string is not proven (a phrase), or undefined. */
export function dateStringProblem(w: Word): string | undefined {
  const lead = /^\s*TZ="((?:[^"\\]|\\.)*)"/.exec(w.text);
  const zone = lead?.[1]?.replace(/\\(.)/g, '$1');
  const rest = lead ? w.text.slice(lead[0].length) : w.text;
  if (lead && !zoneName(zone!)) return `'${shownWord(w.text)}': a date string whose TZ="…" is not a time zone's name or rule (a path there is a file the C library opens and reads)`;
  if (rest.includes('=')) return `'${shownWord(w.text)}': a date string with '=' (parse_datetime reads a TZ="…" in it, a file the C library opens)`;
  return undefined;
}
