// Shape errors from the one schema, worded for the person editing the YAML.
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { HOLDER_KEY_PATTERN, Runbook } from '../schema.js';
import { didYouMean } from '../suggest.js';
import { ENV_NAME_PATTERN, envNameProblem } from '../env-names.js';
import { childPath } from '../source-map.js';
import type { Reporter } from './context.js';

const MAX_ERRORS = 50;

export function checkSchema(original: unknown, report: Reporter): boolean {
  // Check is several times cheaper than walking Errors (a generator); most runbooks pass.
  if (Value.Check(Runbook, original)) return true;
  const { value, names } = withoutEnvNames(original);
  if (names.length && Value.Check(Runbook, value)) return true;
  let count = 0;
  const seen = new Set<string>();
  for (const err of Value.Errors(Runbook, value)) {
    if (seen.has(err.path) || holderKey(err.path)) continue;
    if (++count > MAX_ERRORS) break; // a list of 100,000 wrong items must not cost 100,000 messages
    seen.add(err.path);
    describe(err.path, err.message, err.schema, err.value, value, report);
  }
  if (count === 0) return true;
  // Other shape errors stop validation here: the names are reported with them, as checkEnvNames would.
  for (const { path, name } of names) {
    report.error('bad-name', path, `env '${name}'${label(path, value)} ${envNameProblem(name) ?? 'is not an environment variable name'}`, 'key');
  }
  return false;
}

/** The document without the shell env names the schema's pattern refuses (and those names, located). A name is no
 *  shape error: checkEnvNames reports it (with the engine's and bash's own names) when the rest of the shape holds,
 *  and everything after it runs too (a ${{ }} in an on key, whose template-in-key error belongs beside the env
 *  key's, went unreported until the name was fixed). Paths are unchanged: only keys go. */
function withoutEnvNames(value: unknown): { value: unknown; names: { path: string; name: string }[] } {
  const names: { path: string; name: string }[] = [];
  const steps = (value as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return { value, names };
  const strip = <T>(holder: T, path: string): T => {
    const shell = (holder as { shell?: unknown } | null | undefined)?.shell;
    const env = (shell as { env?: unknown } | null | undefined)?.env;
    if (!isMapping(holder) || !isMapping(shell) || !isMapping(env)) return holder;
    const bad = Object.keys(env).filter((k) => !ENV_NAME.test(k));
    if (!bad.length) return holder;
    for (const name of bad) names.push({ path: childPath(`${path}/shell/env`, name), name });
    return { ...holder, shell: { ...shell, env: Object.fromEntries(Object.entries(env).filter(([k]) => ENV_NAME.test(k))) } };
  };
  const out = steps.map((step: unknown, i) => {
    const s = strip(step, `/steps/${i}`);
    const wait = (s as { wait?: unknown } | null)?.wait;
    const w = strip(wait, `/steps/${i}/wait`);
    return w === wait ? s : { ...(s as object), wait: w };
  });
  return names.length ? { value: { ...(value as object), steps: out }, names } : { value, names };
}
const ENV_NAME = new RegExp(ENV_NAME_PATTERN);
const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** TypeBox does not apply patternProperties; the published JSON Schema does. */
const holder = new RegExp(HOLDER_KEY_PATTERN);
const holderKey = (path: string) => /^\/[^/]+$/.test(path) && holder.test(path.slice(1));

function describe(path: string, message: string, schema: TSchema, actual: unknown, root: unknown, report: Reporter): void {
  const name = path.split('/').pop() ?? '';
  const where = label(path, root);
  const named = /^\/(inputs|connections)\/[^/]+$/.exec(path);
  if (message === 'Unexpected property' && named) {
    const what = named[1] === 'inputs' ? 'an input name: use letters, digits and _' : 'a connection name: use letters, digits, _ and -';
    report.error('bad-name', path, `'${name}' is not ${what}, starting with a letter or _`, 'key');
    return;
  }
  if (message === 'Unexpected property') {
    const known = Object.keys((parentSchema(schema) ?? {}) as object);
    // A top-level key holding anchors that steps merge in: an anchor holder missing its x- prefix.
    const anchors = /^\/[^/]+$/.test(path) ? report.map.usedAnchorsUnder(name) : [];
    const hint = anchors.length
      ? `: it holds ${anchors.map((a) => `&${a}`).join(', ')}, used elsewhere; a key that only holds anchors must start with x- (rename it x-${name}) and the runbook ignores it`
      : misplacedHint(path, name) ?? didYouMean(name, known);
    report.error('unknown-key', path, `unknown key '${name}'${where}${hint}`, 'key');
    return;
  }
  if (message.startsWith('Expected required property')) {
    report.error('missing-key', path, `missing required key '${name}'${where}`, 'key');
    return;
  }
  if (actual === undefined && path !== '') {
    report.error('missing-key', path, `missing required key '${name}'${where}`, 'key');
    return;
  }
  if (describeVariant(path, schema, actual, root, report)) return;
  const minItems = (schema as { minItems?: number }).minItems;
  if (Array.isArray(actual) && minItems !== undefined && actual.length < minItems) {
    report.error('schema', path, `'${name}'${where} needs at least ${minItems} item${minItems === 1 ? '' : 's'} — an empty list does nothing`);
    return;
  }
  const got = secretValue(path, root) ? 'a value not shown (the input is secret)' : show(actual);
  const form = /^\/steps\/\d+\/(?:wait\/)?sql$/.test(path) && typeof actual === 'string' ? `; write it as sql: { query: ${show(actual)} }` : '';
  // A secret's value is never quoted back, not even in the hint that says to quote it.
  const hint = secretValue(path, root) ? '' : `${typedHint(schema, actual)}${stepIdHint(path, actual, root)}`;
  report.error('schema', path, `${subject(path, name)}${where}: ${expected(schema, message)}, got ${got}${form}${hint}`);
}

/** What the message is about: the key, or for an item of a list the list's key and the item's place in it
 *  (`choices: [true, false]` is about 'choices', not about '0'). */
function subject(path: string, name: string): string {
  if (!/^\d+$/.test(name)) return `'${name || 'runbook'}'`;
  const list = path.split('/').slice(-2, -1)[0] ?? '';
  return /^\d+$/.test(list) || !list ? `'${name}'` : `item ${Number(name) + 1} of '${list}'`;
}

/** Text expected, and YAML read a bare true, no, 10 or null as another type: say so, and how to keep it text. */
function typedHint(schema: TSchema, actual: unknown): string {
  if ((schema as { type?: string }).type !== 'string' || !(typeof actual === 'boolean' || typeof actual === 'number' || actual === null)) return '';
  const as = actual === null ? 'null' : typeof actual === 'boolean' ? 'a boolean' : 'a number';
  return ` — YAML reads a bare ${actual === null ? 'null or ~' : String(actual)} as ${as}, not text: quote it ("${String(actual)}")`;
}

/** A step id written in the wrong case (`next: Done`) fails the id's form before it can be looked up: name the
 *  step it means, case folded. */
function stepIdHint(path: string, actual: unknown, root: unknown): string {
  if (typeof actual !== 'string' || !/\/(next|goto|otherwise|on\/[^/]+)$/.test(path)) return '';
  const ids = ((root as { steps?: { id?: unknown }[] }).steps ?? []).map((st) => st?.id).filter((id): id is string => typeof id === 'string');
  const hint = didYouMean(actual, ids);
  return hint ? `${hint} (step ids are lower-case)` : '';
}

/** Fields of an action written beside it, on the step (`env:` next to `shell:`), and the habits of other tools
 *  (`script:` for `run:`, a step-level `goto:`): where the key belongs. */
const BELONGS: Record<string, string> = {
  env: 'inside the shell action: shell: { run: <the command>, env: { NAME: value } }',
  cwd: 'inside the shell action: shell: { run: <the command>, cwd: <directory> }',
  run: "inside the shell action (shell: { run: … }), or write the command as the step's shell: itself",
  query: 'inside the sql action: sql: { query: <the statement>, params: [...] }',
  params: 'inside the sql action: sql: { query: <the statement>, params: [...] }',
  until: 'inside the wait: wait: { sql | shell | probe: …, until: <expression>, every: 5s, for: 5m }',
  every: 'inside the wait: wait: { …, until: <expression>, every: 5s }',
  instructions: 'inside the manual step: manual: { instructions: <text>, choices: [...] }',
  choices: 'inside the question: manual: { instructions: …, choices: [...] } or prompt: { message: …, choices: [...] }',
  goto: 'only inside a branch of next: — a step moves on with next: <step id>, or next: [{ if: <expression>, goto: <step id> }]',
};
const SHELL_COMMAND = new Set(['script', 'command', 'cmd', 'exec']);

function misplacedHint(path: string, name: string): string | undefined {
  if (/^\/steps\/\d+\/[^/]+$/.test(path) && Object.hasOwn(BELONGS, name)) return ` — '${name}' belongs ${BELONGS[name]}`;
  if (/^\/steps\/\d+\/(?:wait\/)?shell\/[^/]+$/.test(path) && SHELL_COMMAND.has(name)) return ` — the command goes under run: (shell: { run: <the command> }), or write it as shell: <the command>`;
  return undefined;
}

/** A union (`next`: a step id or a list of branches) given a list or a mapping: when exactly one of its
 *  forms has that shape, the author meant that form, so report what is wrong inside it (`go_to:` in a branch),
 *  not that the whole value has the wrong type. */
function describeVariant(path: string, schema: TSchema, actual: unknown, root: unknown, report: Reporter): boolean {
  const variants = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!variants || actual === null || typeof actual !== 'object') return false;
  const shape = Array.isArray(actual) ? 'array' : 'object';
  const fits = variants.filter((v) => (v as { type?: string }).type === shape);
  if (fits.length !== 1) return false;
  let reported = false;
  const seen = new Set<string>();
  for (const err of Value.Errors(fits[0]!, actual)) {
    const at = path + err.path;
    if (seen.has(at) || seen.size >= MAX_ERRORS) continue;
    seen.add(at);
    describe(at, err.message, err.schema, err.value, root, report);
    reported = true;
  }
  return reported;
}

function parentSchema(schema: TSchema): Record<string, unknown> | undefined {
  return (schema as { properties?: Record<string, unknown> }).properties;
}

function expected(schema: TSchema, fallback: string): string {
  const s = schema as { anyOf?: { const?: unknown }[]; description?: string; pattern?: string; type?: string };
  if (s.anyOf?.every((o) => o.const !== undefined)) return `must be one of ${s.anyOf.map((o) => o.const).join(', ')}`;
  if (s.pattern && s.description?.includes(':')) return `must be ${s.description.replace(/^[^:]*:\s*/, '').replace(/\.$/, '')}`;
  if (s.pattern) return `must match ${s.pattern}`;
  if (s.anyOf && s.description) return `expected ${lowerFirst(s.description.replace(/\.$/, ''))}`;
  if (s.type) return `expected ${s.type === 'object' ? 'a mapping' : s.type === 'array' ? 'a list' : `${/^[aeiou]/.test(s.type) ? 'an' : 'a'} ${s.type}`}${bounds(schema)}`;
  return lowerFirst(fallback);
}

/** A number's range, when the schema gives one: "an integer" alone reads wrong for 20000 against a maximum. */
function bounds(schema: TSchema): string {
  const { minimum: min, maximum: max } = schema as { minimum?: number; maximum?: number };
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  return max !== undefined ? ` of at most ${max}` : '';
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** A value inside an input marked secret (or meant to be: `secret: "yes"` is a schema error of its own), or inside
 *  a secret prompt (its default). */
function secretValue(path: string, root: unknown): boolean {
  const step = /^\/steps\/(\d+)\/prompt\//.exec(path);
  if (step) {
    const s = (root as { steps?: { secret?: unknown; prompt?: { secret?: unknown } }[] }).steps?.[Number(step[1])];
    return Boolean(s?.secret || s?.prompt?.secret);
  }
  const m = /^\/inputs\/([^/]+)\/(.*)$/.exec(path);
  if (!m) return false;
  const input = (root as { inputs?: Record<string, { secret?: unknown }> }).inputs?.[m[1]!.replace(/~1/g, '/').replace(/~0/g, '~')];
  return Boolean(input?.secret);
}

function label(path: string, root: unknown): string {
  const m = /^\/steps\/(\d+)/.exec(path);
  if (!m) return '';
  const step = (root as { steps?: { id?: unknown }[] }).steps?.[Number(m[1])];
  return typeof step?.id === 'string' ? ` in step '${step.id}'` : ` in step ${Number(m[1]) + 1}`;
}
