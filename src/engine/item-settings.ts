// What a for_each item runs with besides its command's values: where it runs, a script's env values and its
// directory. The gate's fields show them for item 1 only, so each item's line names those that differ between
// items (a probe of stop 80: `cwd: "${{ item }}"` and `env: { MODE: … }` showed `in dir …/A` and `MODE=dry`, the
// items labelled alike with `no values`, and y ran `rm -f victim` in …/B with MODE=real too).
import { describeRemote } from '../executors/remote-describe.js';
import { displayUrl } from '../db/url.js';
import { shellQuote } from '../common/shell-quote.js';
import type { Prepared } from './prepare.js';

/** An item's settings as `label value` words, keyed by label (one key per env variable). */
function settingsOf(p: Prepared): Map<string, string> {
  const out = new Map<string, string>();
  const a = p.action;
  if (a.kind === 'shell' && a.remote) out.set('on', shellQuote(describeRemote(a.remote)));
  // A database's or a probe's URL, its password's place masked as on the target line (db/url.ts).
  if (p.target !== undefined) out.set('on', shellQuote(displayUrl(p.login?.shown ?? p.target)));
  for (const [k, v] of Object.entries(p.shown?.env ?? {})) out.set(`env ${k}`, `${k}=${shellQuote(v)}`);
  if (p.shown?.cwd !== undefined) out.set('in dir', shellQuote(p.shown.cwd));
  return out;
}

/** For each item, the settings that are not the same for every item, as `; in dir '/srv/b'; env MODE=real`
 *  (empty when all agree). A setting one item has and another lacks differs. */
export function itemSettings(prepared: Prepared[]): string[] {
  const each = prepared.map(settingsOf);
  const labels = [...new Set(each.flatMap((m) => [...m.keys()]))];
  const differ = labels.filter((l) => each.some((m) => m.get(l) !== each[0]!.get(l)));
  return each.map((m) => differ.map((l) => {
    const v = m.get(l);
    const word = l.startsWith('env ') ? 'env' : l;
    return `; ${v === undefined ? `no ${l}` : `${word} ${v}`}`;
  }).join(''));
}
