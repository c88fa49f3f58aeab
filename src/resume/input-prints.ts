// The inputs' values a run started with, as keyed fingerprints in its header, so a resume can tell that a value
// changed without the transcript holding it. `-i port=5433`, or a secret URL typed again that names another
// server, moves a shell step that uses the input (`psql "port=${{ inputs.port }}"`, `env: { DATABASE_URL: … }`)
// to another server, and its gate shows only `****` (or a port number nobody checks). Every print is an HMAC under
// the record key (record-key.ts), which the transcript does not hold: a salt beside the print let its reader test
// guesses (a probe of stop 72 found a 4-digit PIN from its scrypt print in 213 s). A secret's value is stretched
// with scrypt first, so a guess costs as much even to one who holds the key.
import { createHash, randomBytes, scryptSync } from 'node:crypto';
import { hasOwn, own } from '../common/own.js';
import type { RunbookDoc } from '../language/schema.js';
import { MASK } from '../secrets/redactor.js';
import type { InputPrint, InputPrints, PrintKdf } from '../transcript/run-place.js';
import type { RecordKey } from './record-key.js';
import { withoutUrlPassword } from './url-password.js';

const KEYED: PrintKdf = 'hmac-sha256';
const KEYED_SCRYPT: PrintKdf = 'scrypt-n16384-r8-p1+hmac-sha256';
/** ~50 ms a secret on a laptop core, 16 MiB: a guess costs as much. */
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** What is fingerprinted: the value as JSON, bound to its name; a database URL's password is left out (rotated,
 *  it names the same server, as for the environment's URLs). */
function textOf(name: string, value: unknown): string {
  return `${name}\0${JSON.stringify(typeof value === 'string' ? withoutUrlPassword(value) : value) ?? ''}`;
}

/** `sha256` and `scrypt-…` alone: a header from before the key (stop 72), compared as it was made (its reader can
 *  test guesses of it anyway; comparing tells nothing more). */
function printOf(kdf: PrintKdf, salt: string, name: string, value: unknown, key: RecordKey): string {
  const text = textOf(name, value);
  switch (kdf) {
    case 'hmac-sha256': return key.mac(`${salt}\0${text}`);
    case 'scrypt-n16384-r8-p1+hmac-sha256': return key.mac(scryptSync(text, salt, 32, SCRYPT));
    case 'sha256': return createHash('sha256').update(`${salt}\0${text}`).digest('hex');
    case 'scrypt-n16384-r8-p1': return scryptSync(text, salt, 32, SCRYPT).toString('hex');
  }
}

/** The inputs' values as the run resolved them; `secret`: declared so; `mask`: the run's redactor. */
export interface ResolvedInputs { values: Record<string, unknown>; secret: (name: string) => boolean; mask: (text: string) => string }

/** The run's inputs, `secret` as its runbook declares them. */
export const resolvedInputs = (doc: RunbookDoc, values: Record<string, unknown>, mask: (text: string) => string): ResolvedInputs =>
  ({ values, secret: (name) => own(doc.inputs, name)?.secret === true, mask });

/** Whether the transcript masks the value: a secret's, or one holding a secret (a URL's password, another
 *  input's secret). Those are stretched. */
function hidden(inputs: ResolvedInputs, name: string, value: unknown): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return inputs.secret(name) || inputs.mask(text) !== text;
}

/** Every input's print, keyed by `key` (this user's record key; its id is recorded). */
export function inputPrintsOf(inputs: ResolvedInputs, key: RecordKey, salt = randomBytes(16).toString('hex')): InputPrints {
  const { values } = inputs;
  const prints: InputPrint[] = Object.keys(values).sort().filter((name) => values[name] !== undefined).map((name) => {
    const kdf = hidden(inputs, name, values[name]) ? KEYED_SCRYPT : KEYED;
    return { name, kdf, print: printOf(kdf, salt, name, values[name], key) };
  });
  return { salt, key: key.id, prints };
}

const KNOWN_KDFS: ReadonlySet<string> = new Set<PrintKdf>([KEYED, KEYED_SCRYPT, 'sha256', 'scrypt-n16384-r8-p1']);

/** The inputs whose value now is not the one the run recorded, by name only (any may be a secret). A print made
 *  another way (a newer version's) cannot be compared: counted as changed, never passed. Prints made under
 *  another record key (another user, another machine) compare with nothing here: said as such. */
export function inputChanges(recorded: InputPrints, values: Record<string, unknown>, key: RecordKey): string[] {
  if (recorded.key !== undefined && recorded.key !== key.id) {
    return [`the run's inputs were fingerprinted with another record key than this user's on this machine (${key.file}), so they cannot be compared`];
  }
  const was = new Set(recorded.prints.map((p) => p.name));
  const changed = recorded.prints.filter((p) => hasOwn(values, p.name) && values[p.name] !== undefined
    && (!KNOWN_KDFS.has(p.kdf) || printOf(p.kdf, recorded.salt, p.name, values[p.name], key) !== p.print)).map((p) => p.name);
  const gone = recorded.prints.filter((p) => !hasOwn(values, p.name) || values[p.name] === undefined).map((p) => p.name);
  const added = Object.keys(values).filter((name) => values[name] !== undefined && !was.has(name));
  return phrases(changed, added, gone);
}

/** A transcript written before inputs were fingerprinted: its header's values are compared where they are not
 *  masked (non-secret inputs); `uncompared` names the secret or masked ones, which cannot be. */
export function unprintedInputChanges(recorded: Record<string, unknown>, values: Record<string, unknown>,
  secret: (name: string) => boolean): { phrases: string[]; uncompared: string[] } {
  const changed: string[] = [];
  const uncompared: string[] = [];
  for (const name of [...new Set([...Object.keys(recorded), ...Object.keys(values)])].sort()) {
    const was = hasOwn(recorded, name) ? JSON.stringify(recorded[name]) : undefined;
    if (secret(name) || was?.includes(MASK)) { uncompared.push(name); continue; }
    if (was !== (hasOwn(values, name) ? JSON.stringify(values[name]) : undefined)) changed.push(name);
  }
  return { phrases: phrases(changed, [], []), uncompared };
}

function phrases(changed: string[], added: string[], gone: string[]): string[] {
  const list = (names: string[]) => names.map((n) => `'${n}'`).join(', ');
  const parts = [
    changed.length ? `${list(changed)} ${changed.length === 1 ? 'has another value' : 'have other values'} than the run's` : '',
    added.length ? `${list(added)} ${added.length === 1 ? 'is' : 'are'} given now and ${added.length === 1 ? 'was' : 'were'} not` : '',
    gone.length ? `${list(gone)} ${gone.length === 1 ? 'was' : 'were'} given and ${gone.length === 1 ? 'is' : 'are'} not now` : '',
  ].filter(Boolean);
  return parts.length ? [`the inputs are not the run's: ${parts.join('; ')} (values not shown; a step using one may act on another server)`] : [];
}
