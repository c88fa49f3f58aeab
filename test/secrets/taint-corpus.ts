// The generated corpus of issue #46 (fixed seed): scripts that print a secret input spread out, byte-escaped,
// transformed and split across stdout and stderr, with bash as the oracle of what each printed and decoders.ts
// taking each form back to the secret. Shared by the transcript's test (taint-flow) and the store's (withheld).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { decodesTo, INVERSE } from './decoders.js';

export const SEED = 4646;
export const SCRIPTS = 40;

/** Each reads the previous output on stdin and prints a form of it. */
const TRANSFORMS = [
  'od -c', 'od -b', 'od -tu1', 'od -An -tx1', 'fold -w5', 'xxd -b', 'xxd -p', 'xxd', 'tr a-z A-Z', "tr 'A-Za-z' 'N-ZA-Mn-za-m'",
  'rev', 'base64', 'base32', 'basenc --base16', 'gzip -n | base64', 'iconv -f UTF-8 -t UTF-16LE | xxd -p', "sed 's/./&\\n/g'",
  "xxd -p | tr -d '\\n' | sed 's/../%&/g'", "xxd -p | tr -d '\\n' | sed 's/../\\\\x&/g'", "xxd -p | tr -d '\\n' | sed 's/../\\\\u00&/g'",
  "od -An -tu1 | tr -s ' ' ','", "sed 's/./&-/g'", 'cat',
];
/** Where the result goes: stdout, stderr, or half to each. */
const ENDINGS = ['', ' >&2', ' | { v=$(cat); printf "%s\\n" "${v:0:${#v}/2}"; printf "%s\\n" "${v:${#v}/2}" >&2; }'];

export const corpus = fc.sample(fc.tuple(fc.subarray(TRANSFORMS, { minLength: 1, maxLength: 2 }), fc.constantFrom(...ENDINGS)), { seed: SEED, numRuns: SCRIPTS });
export const scripts = corpus.map(([ts, end]) => `printf '%s' "$S" | ${ts.join(' | ')}${end}; true`);
export const SECRET = fc.sample(fc.stringMatching(/^[a-zA-Z0-9]{14,20}$/), { seed: SEED, numRuns: 1 })[0]!;

/** What bash prints for the secret through the first transforms, read byte for byte (C locale). */
function form(transforms: string[]): string {
  const script = `printf '%s' "$S"${transforms.map((t) => ` | ${t}`).join('')}`;
  return spawnSync('bash', ['-c', script], { env: { PATH: process.env.PATH, S: SECRET, LC_ALL: 'C' }, encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'] }).stdout;
}

/**
 * Every form the script printed the secret in, each decoded back the way its transform encoded it (decoders.ts)
 * to the form before it, down to the secret: the corpus provably prints the secret, in these forms.
 */
export function decodedForms([transforms, ending]: [string[], string], printed: { stdout: string; stderr: string }): string[] {
  const forms = transforms.map((_, k) => form(transforms.slice(0, k + 1)));
  const last = forms.at(-1)!;
  // The ending put the form on stdout, on stderr, or half on each (each half with a newline, trailing ones cut).
  const shown = ending === '' ? printed.stdout : ending === ' >&2' ? printed.stderr : printed.stdout.slice(0, -1) + printed.stderr.slice(0, -1);
  assert.equal(shown, ending.includes('$(cat)') ? last.replace(/\n+$/, '') : last, `${transforms.join(' | ')}: what the step printed is the last form`);
  transforms.forEach((t, k) => {
    const before = k ? forms[k - 1]! : SECRET;
    assert.ok(decodesTo(t, INVERSE[t]!(forms[k]!), before), `${t} decodes back to ${JSON.stringify(before.slice(0, 40))}`);
  });
  return forms;
}

/** What bash prints for the script, with S set: the oracle. */
export function bashPrints(script: string): { stdout: string; stderr: string } {
  // stdin not a socket (as node's pipes are): bash would take itself for a remote shell and read ~/.bashrc.
  const r = spawnSync('bash', ['-c', script], { env: { PATH: process.env.PATH, S: SECRET, LC_ALL: 'C' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout: r.stdout, stderr: r.stderr };
}

export const sha = (s: string) => createHash('sha256').update(s).digest('hex');
/** The lines of what was printed that say anything (od's bare offsets do not). */
export const telling = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l.length >= 10);

/** The corpus as runbook steps s0…s<SCRIPTS-1>, each given the secret input `pw` as S. */
export const corpusSteps = (): string => scripts.map((s, i) => `  - id: s${i}
    destructive: false
    safe_because: prints a form of the secret, writes nothing
    shell:
      run: ${JSON.stringify(s)}
      env: { S: "\${{ inputs.pw }}", LC_ALL: C }
`).join('');
