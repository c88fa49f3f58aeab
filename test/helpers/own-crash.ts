// Cut-and-resume tests give each cut of one real run an output file of its own: the run's output path, an input's
// value, is replaced in the cut's text. The header's input prints (src/resume/input-prints.ts) then fingerprint the
// old value, and a resume would refuse the edited one as another input value: the prints of the inputs the header
// holds as typed (HMAC-SHA256 under this user's record key, as the run on this machine made them) are made again
// from the header's values, as the run would have made them for those values. A secret's print (scrypt, then the
// HMAC) is kept: no cut changes a secret.
import { randomUUID } from 'node:crypto';
import { recordKey } from '../../src/resume/record-key.js';
import { withoutUrlPassword } from '../../src/resume/url-password.js';

interface Header { inputs?: Record<string, unknown>; inputPrints?: { salt: string; prints: { name: string; kdf: string; print: string }[] } }

/** The transcript's text with its header's hmac-sha256 input prints made again from the header's own values. */
export function reprinted(text: string): string {
  const nl = text.indexOf('\n');
  const head = nl < 0 ? text : text.slice(0, nl);
  const header = JSON.parse(head) as Header;
  const prints = header.inputPrints;
  if (!prints) return text;
  for (const p of prints.prints) {
    if (p.kdf !== 'hmac-sha256' || !header.inputs || !(p.name in header.inputs)) continue;
    const value = header.inputs[p.name];
    const shown = JSON.stringify(typeof value === 'string' ? withoutUrlPassword(value) : value) ?? '';
    p.print = recordKey().mac(`${prints.salt}\0${p.name}\0${shown}`);
  }
  return JSON.stringify(header) + (nl < 0 ? '' : text.slice(nl));
}

/** `text` (transcript lines) as a crash of its own run: `from` replaced by `to`, a run id of its own, its prints made again. */
export function ownCrash(text: string, from: string, to: string): string {
  return `${reprinted(text.split(from).join(to).replace(/"runId":"[^"]+"/, `"runId":"${randomUUID()}"`))}\n`;
}
