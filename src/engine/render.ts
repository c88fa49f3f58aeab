// Templates filled in from the run's data. Shell text never receives a value: each ${{ }} becomes a
// reference to a shell variable ("${RUNBOOK_V1}", quoted to suit where it stands) and the value travels
// separately, on the script's stdin (executors/shell-values.ts), never on a command line.
import { evaluate, evaluateFlow, parseTemplate, templateString, parseExpression, truthy, TAINT, type Scope, type Taint } from '../language/expression/index.js';
import { shellQuote } from '../common/shell-quote.js';
import { HOLE, holeContexts, holeReference } from '../language/shell-holes.js';
import { valueVar } from '../executors/shell-values.js';
import { ansiC } from '../secrets/encodings.js';
import { MASK } from '../secrets/redactor.js';
import { SecretRoute } from './secret-route.js';

// Every rendering the engine makes of a value is registered with the run's redactor where it is made (the
// scope's taint hook, secrets/taint.ts): a structure as JSON text, a value shell-quoted into the command shown,
// SQL params as JSON. The masker then knows each rendering of a secret, however the renderings compose.

export function renderTemplate(text: string, scope: Scope): string {
  return parseTemplate(text).map((p) => (p.kind === 'text' ? p.text : stringOf(evaluate(p.node, scope), scope))).join('');
}

/** A template filled in once, both ways: the text that runs, the text the operator is shown (a value that came
 *  from a secret is the mask whole, by where it flowed, not by what it looks like: the redactor masks by value, and
 *  a 3-digit piece of a secret's number is no value it can mask), and whether any secret flowed into it. */
export function renderFlow(text: string, scope: Scope): { text: string; shown: string; tainted: boolean } {
  const out = { text: '', shown: '', tainted: false };
  for (const p of parseTemplate(text)) {
    if (p.kind === 'text') { out.text += p.text; out.shown += p.text; continue; }
    const { value, tainted } = evaluateFlow(p.node, scope);
    const s = stringOf(value, scope);
    out.text += s;
    out.shown += tainted ? MASK : s;
    out.tainted ||= tainted;
  }
  return out;
}

/** A template filled in for the operator's eyes only (a title, a label, an ending's message, a gate's text). */
export function renderShown(text: string, scope: Scope): string {
  return renderFlow(text, scope).shown;
}

/** A template filled in as a value (an SQL parameter): exactly one ${{ }} keeps the value's type (numbers stay
 *  numbers), anything else is text. With it, the value as the operator is shown it (the gate, the start line: the
 *  mask whole where a secret flowed into it) and whether one did (the step is then given a secret, whatever the
 *  value looks like: `number(inputs.pin) % 1000` is no registered secret, and 193 is a piece). Its strings are
 *  registered as shown in JSON (a for_each item's params, a probe's arguments). */
export function renderParam(text: string, scope: Scope): { value: unknown; shown: unknown; tainted: boolean } {
  const parts = parseTemplate(text);
  if (parts.length === 1 && parts[0]?.kind === 'expr') {
    const { value, tainted } = evaluateFlow(parts[0].node, scope);
    shownAsJson(value, scope);
    return { value, shown: tainted ? MASK : value, tainted };
  }
  const filled = renderFlow(text, scope);
  shownAsJson(filled.text, scope);
  return { value: filled.text, shown: filled.shown, tainted: filled.tainted };
}

/** A template that reads one value whole (`${{ inputs.url }}`): a URL so given is shown as a URL, its password's
 *  place masked (the run's target, a probe's), where one computed from a secret is the mask whole. */
export function readsWhole(text: string): boolean {
  const parts = parseTemplate(text);
  return parts.length === 1 && parts[0]!.kind === 'expr' && (parts[0]!.node.type === 'member' || parts[0]!.node.type === 'ident');
}

/** The text a value takes in a template; a structure is JSON, so its strings are shown JSON-escaped. */
function stringOf(value: unknown, scope: Scope): string {
  if (value !== null && typeof value === 'object') shownAsJson(value, scope);
  return templateString(value);
}

const taintOf = (scope: Scope): Taint | undefined => scope[TAINT as unknown as string] as Taint | undefined;

/** Registers each string's JSON-escaped rendering (as far as it shows a secret). */
function shownAsJson(value: unknown, scope: Scope, budget = { left: 10_000 }): void {
  const taint = taintOf(scope);
  if (!taint || --budget.left < 0) return;
  if (typeof value === 'string') taint.shown(value, jsonBody);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) shownAsJson(v, scope, budget);
}

const jsonBody = (s: string): string => JSON.stringify(s).slice(1, -1);
const inDouble = (s: string): string => s.replace(/[\\"$`]/g, '\\$&');
const inAnsi = (s: string): string => s.replace(/[\\']/g, '\\$&');
const inSingle = (s: string): string => s.replace(/'/g, `'\\''`);
const inHeredoc = (s: string): string => s.replace(/[\\$`]/g, '\\$&');

/** sources: each value's expression as written, in order (what the step is given, named as the runbook names it);
 *  tainted: whether a secret flowed into each (a piece of one, a value it chose: given a secret by flow). */
export interface RenderedShell { script: string; values: string[]; sources: string[]; tainted: boolean[]; display: string }

export function renderShell(text: string, scope: Scope): RenderedShell {
  const values: string[] = [];
  const sources: string[] = [];
  const flowed: boolean[] = [];
  let script = '', display = '';
  const parts = parseTemplate(text);
  // Each reference suits where the hole stands (language/shell-holes.ts): "${V}" outside quotes, ${V} inside
  // "…" or a here-document, '"${V}"' inside '…'. Quoting it blindly would unquote it inside "…".
  const contexts = holeContexts(parts.map((p) => (p.kind === 'text' ? p.text.replaceAll(HOLE, '') : HOLE)).join(''));
  const holes = parts.filter((p) => p.kind === 'expr').length;
  for (const p of parts) {
    if (p.kind === 'text') { script += p.text; display += p.text; continue; }
    const { value: raw, tainted } = evaluateFlow(p.node, scope);
    const value = stringOf(raw, scope);
    values.push(value);
    sources.push(p.source);
    flowed.push(tainted);
    const ref = `\${${valueVar(values.length)}}`;
    const where = contexts.length === holes ? contexts[values.length - 1] : 'word';
    // The display escapes the value as its place needs, and `set -x` prints the word it is part of quoted as
    // bash quotes ('…', or $'…' with control characters): each is registered as a rendering of the value.
    // In an unquoted here-document bash reads \, $ and ` of the text shown as code; the value runs as data: shown
    // escaped so, the script reads as what runs (a value ending in \ showed the next EOF joined to it).
    const escape = where === 'double' ? inDouble : where === 'ansi' ? inAnsi : where === 'heredoc' ? inHeredoc : inSingle;
    for (const e of new Set([escape, inSingle, ansiC])) if (e) taintOf(scope)?.shown(value, e);
    script += holeReference(where ?? 'word', ref);
    if (tainted) display += MASK; // the command shown: a value from a secret, whole (renderShown)
    else if (where === 'double' || where === 'heredoc') display += escape(value);
    else if (where === 'single' || where === 'ansi') display += escape(value);
    else display += shellQuote(value);
  }
  return { script, values, sources, tainted: flowed, display };
}

/** A route's condition (a step's `if`, a branch, a target's `if`, a wait's `until`): refused where a secret flowed
 *  into it (engine/secret-route.ts), since which way the run went is shown. */
export function test(expression: string, scope: Scope): { value: boolean; raw: unknown } {
  const { value: raw, tainted } = evaluateFlow(parseExpression(expression), scope);
  if (tainted) throw new SecretRoute();
  return { value: truthy(raw), raw };
}

/** A step's title with its templates filled in, on one line (a value may carry newlines); the raw text when they
 *  cannot be filled in (a title must never fail a step). */
export function renderTitle(title: string | undefined, fallback: string, scope: Scope): string {
  if (title === undefined) return fallback;
  try { return renderShown(title, scope).replace(/\s*\n\s*/g, ' '); } catch { return title; }
}
