// Every place in a runbook that holds an expression or a template, with its path, so that the validator
// checks them all and the engine renders them from one list.
import type { ForEachDoc, RunbookDoc, StepDoc, TargetDoc } from './schema.js';
import { childPath } from './source-map.js';

export interface Site {
  path: string;
  text: string;
  kind: 'expression' | 'template';
  /** `result` (this step's own result) is in scope. */
  withResult: boolean;
  /** The for_each item's name, in scope in the step's action and its `for_each.label`. */
  item?: string;
  /** A vars step's expression: the names its step defines before it (and only those of its own step's). */
  varsBefore?: { step: number; names: string[] };
}

export function runbookSites(doc: RunbookDoc): Site[] {
  const sites: Site[] = [];
  for (const [name, c] of Object.entries(doc.connections ?? {})) {
    sites.push({ path: childPath(childPath('/connections', name), 'url'), text: c.url, kind: 'template', withResult: false });
  }
  if (doc.application) sites.push({ path: '/application/url', text: doc.application.url, kind: 'template', withResult: false });
  for (const [name, target] of Object.entries(doc.targets ?? {})) sites.push(...targetSites(target, childPath('/targets', name)));
  doc.steps.forEach((step, i) => sites.push(...stepSites(step, `/steps/${i}`)));
  for (const [name, text] of Object.entries(doc.outputs ?? {})) sites.push({ path: childPath('/outputs', name), text, kind: 'expression', withResult: false });
  return sites;
}

/** A target's templated fields (destination, pod, container…). */
function targetSites(target: TargetDoc, base: string): Site[] {
  const fields: [string, unknown][] = 'ssh' in target
    ? (typeof target.ssh === 'string' ? [['ssh', target.ssh]] : [['ssh/destination', target.ssh.destination], ['ssh/port', target.ssh.port], ['ssh/config', target.ssh.config]])
    : 'kubectl' in target ? Object.entries(target.kubectl).map(([k, v]) => [`kubectl/${k}`, v])
      : [['docker/container', target.docker.container]];
  const templates = fields.flatMap(([path, text]) => (typeof text === 'string' ? [{ path: `${base}/${path}`, text, kind: 'template' as const, withResult: false }] : []));
  return target.if === undefined ? templates : [...templates, { path: `${base}/if`, text: target.if, kind: 'expression', withResult: false }];
}

export function stepSites(step: StepDoc, base: string): Site[] {
  const sites: Site[] = [];
  const t = (path: string, text: unknown, withResult = false) => {
    if (typeof text === 'string') sites.push({ path: `${base}${path}`, text, kind: 'template', withResult });
  };
  // The item of a for_each exists only while one item runs: in the action's templates and the item's label.
  const item = step.for_each ? loopVar(step.for_each) : undefined;
  const ti = (path: string, text: unknown) => {
    if (typeof text === 'string') sites.push({ path: `${base}${path}`, text, kind: 'template', withResult: false, ...(item ? { item } : {}) });
  };
  const e = (path: string, text: unknown, withResult = false) => {
    if (typeof text === 'string') sites.push({ path: `${base}${path}`, text, kind: 'expression', withResult });
  };
  t('/title', step.title); t('/confirm', step.confirm); t('/blast_radius', step.blast_radius);
  t('/message', step.message);
  e('/if', step.if);
  if (Array.isArray(step.next)) step.next.forEach((b, i) => e(`/next/${i}/if`, b.if, true));
  if (step.for_each) {
    e('/for_each/in', loopExpression(step.for_each.in));
    ti('/for_each/label', step.for_each.label);
  }
  shellSites(step.shell, '/shell', ti);
  sqlSites(step.sql, '/sql', ti);
  probeSites(step.with, '/with', ti);
  if (step.wait) {
    e('/wait/until', step.wait.until, true);
    shellSites(step.wait.shell, '/wait/shell', t);
    sqlSites(step.wait.sql, '/wait/sql', t);
    probeSites(step.wait.with, '/wait/with', t);
  }
  if (step.manual && typeof step.manual === 'object') t('/manual/instructions', step.manual.instructions);
  else t('/manual', step.manual);
  if (step.prompt) t('/prompt/message', step.prompt.message);
  if (step.vars) {
    const names = Object.keys(step.vars);
    names.forEach((name, i) => sites.push({ path: childPath(`${base}/vars`, name), text: step.vars![name]!, kind: 'expression', withResult: false,
      varsBefore: { step: Number(base.slice(base.lastIndexOf('/') + 1)), names: names.slice(0, i) } }));
  }
  for (const [k, v] of Object.entries(step.runbook?.inputs ?? {})) t(childPath('/runbook/inputs', k), v);
  return sites;
}

type Add = (path: string, text: unknown) => void;

function shellSites(shell: StepDoc['shell'], path: string, t: Add): void {
  if (typeof shell === 'string') return t(path, shell);
  if (!shell) return;
  t(`${path}/run`, shell.run);
  t(`${path}/cwd`, shell.cwd);
  for (const [k, v] of Object.entries(shell.env ?? {})) t(childPath(`${path}/env`, k), v);
}

function sqlSites(sql: StepDoc['sql'], path: string, t: Add): void {
  sql?.params?.forEach((p, i) => t(`${path}/params/${i}`, p));
}

function probeSites(w: StepDoc['with'], path: string, t: Add): void {
  if (!w) return;
  t(`${path}/url`, w.url); t(`${path}/host`, w.host); t(`${path}/servername`, w.servername); t(`${path}/parameter`, w.parameter);
  if (typeof w.port === 'string') t(`${path}/port`, w.port);
}

/** The item's name in a for_each step. */
export const loopVar = (f: ForEachDoc): string => f.as ?? 'item';

/** `for_each.in` is an expression; written as one whole `${{ … }}` (as in templates) it means the same. */
export function loopExpression(text: string): string {
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text);
  return m && !m[1]!.includes('}}') ? m[1]!.trim() : text;
}
