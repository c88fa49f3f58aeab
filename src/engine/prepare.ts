// A step's action with everything filled in: what the executor receives and what the operator is shown.
import { own } from '../common/own.js';
import type { Action, RemoteTarget } from '../executors/types.js';
import { describeRemote } from '../executors/remote-describe.js';
import { sshDestination } from '../executors/ssh-destination.js';
import { assertEnvNames } from '../language/env-names.js';
import { zoneName } from '../language/shell-vars.js';
import { targetNameProblem } from '../language/target-names.js';
import { vouchedFor } from '../language/vouched.js';
import type { RunbookDoc, StepDoc, SqlActionDoc, ShellActionDoc, ProbeArgsDoc, ProbeName, TargetDoc } from '../language/schema.js';
import { TAINT, type Scope, type Taint } from '../language/expression/index.js';
import { readsWhole, renderFlow, renderParam, renderShell, renderShown, renderTemplate, test } from './render.js';
import { planOfTemplate } from '../language/shell-plan.js';
import { secretLeavesHere, sinkPhrase } from '../language/shell-secret-sinks.js';
import { planText, valueAsFindSyntax, valueAsOption } from '../language/shell-plan-text.js';
import { provenWithValues, secretStoresRead } from '../language/validate/shell-lint.js';
import { keptFilesRead } from './kept-files.js';
import { valueVar } from '../executors/shell-values.js';
import { toMs } from './duration.js';
import { displayUrl, engineOfScheme } from '../db/url.js';
import { accountStoreRead } from '../language/sql/account-stores.js';
import { pgSettingRead } from '../language/sql/pg-setting-reads.js';
import { mysqlVariableRead } from '../language/sql/mysql-variable-reads.js';
import { loginSecrets, type LoginSecrets } from './url-secrets.js';
import { MASK } from '../secrets/redactor.js';
import { sqlShown } from './sql-shown.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

/** given: what of a secret the step's code is handed (secrets/step-taint.ts); what it returns is then withheld.
 *  login: an SQL step's connection logs in with a secret in a part of its URL the server hands back to SQL
 *  (url-secrets.ts): its session is given that secret (session-secrets.ts), and the target is shown masked so. */
export interface Prepared {
  action: Action; command: string; target?: string; given?: string[]; login?: LoginSecrets;
  /** Of `given`, what the step reads from the server (its password store), which hands its session nothing. */
  fromServer?: string[];
  /** A shell step's env: values and directory as the gate shows them: masked by flow (renderShown), as the command
   *  is; by value, a secret step's output equal to a piece of the author's own path masked that piece. */
  shown?: { env: Record<string, string>; cwd?: string };
  /** A read after a step given a secret that may write (written-secrets.ts): looked at again once it ended, what it
   *  gives then; its output is held until then. */
  recheck?: () => string[];
}

/** The places (a value, an env variable, a parameter) that give the step a secret: by flow (a secret, a piece of
 *  one or a value it chose flowed there: a probe of stop 73 had `number(inputs.pin) % 1000` echoed and recorded in
 *  clear), and by value as a second layer (a value that holds a registered secret however it got there). */
function givenSecrets(scope: Scope, places: [string, unknown, boolean?][]): { given?: string[] } {
  const taint = scope[TAINT as unknown as string] as Taint | undefined;
  const given = taint ? [...new Set(places.filter(([, v, flowed]) => v !== undefined && (flowed === true || taint.secret(v))).map(([where]) => where))] : [];
  return given.length ? { given } : {};
}

/** A step that reads a store of secrets (a cluster's Secrets, a kubeconfig's credentials: kubectl-secrets.ts) is
 *  given them, as an SQL read of a password store is: what it prints is withheld. */
const withStores = (given: { given?: string[] }, stores: string[]): { given?: string[] } =>
  (stores.length ? { given: [...(given.given ?? []), ...stores] } : given);


export function connectionUrl(doc: RunbookDoc, name: string | undefined, scope: Scope): { name: string; url: string } {
  const names = Object.keys(doc.connections ?? {});
  const chosen = name ?? (names.length === 1 ? names[0]! : undefined);
  const conn = chosen === undefined ? undefined : own(doc.connections, chosen);
  if (!chosen || !conn) throw new Error(`unknown connection '${name ?? ''}'`);
  return { name: chosen, url: renderTemplate(conn.url, scope) };
}

/** The numbers (from 1) of the values a secret flowed into or that hold one (the scope's taint hook). */
function secretValues(scope: Scope, values: readonly string[], flowed: readonly boolean[]): Set<number> {
  const taint = scope[TAINT as unknown as string] as Taint | undefined;
  return new Set(taint ? values.flatMap((v, i) => (flowed[i] || taint.secret(v) ? [i + 1] : [])) : []);
}

/** Variables the runbook's inputs are read from: a step does not inherit them unless its `env:` names them. */
export function inputVariables(doc: RunbookDoc): string[] {
  return Object.values(doc.inputs ?? {}).flatMap((spec) => (spec.env ? [spec.env] : []));
}

/** `unconfirmed`: the step runs without the operator's yes and without an author's vouching (a proven read). */
export function prepareShell(doc: RunbookDoc, shell: ShellActionDoc, scope: Scope, targetName?: string, unconfirmed = false): Prepared {
  const spec = typeof shell === 'string' ? { run: shell } : shell;
  const r = renderShell(spec.run, scope);
  // In the proven subset, bash is handed the plan's own text, never the author's: what was read is what runs.
  const plan = planOfTemplate(spec.run);
  // With its values written in, the command must still read as proven: what runs is what the lint read.
  const misread = plan && unconfirmed ? valueAsOption(plan, r.values) ?? valueAsFindSyntax(plan, r.values)
    ?? (provenWithValues(plan, r.values) ? undefined : 'with the values it was given, the engine\'s reading of it is not a read (a value there makes an option, a test operator, a name bash evaluates or find syntax)') : undefined;
  if (misread) throw new Error(`not proven to read: ${misread}`);
  const leaves = plan && unconfirmed ? secretLeavesHere(plan, secretValues(scope, r.values, r.tainted)) : undefined;
  if (leaves) throw new Error(`not proven to read: ${leaves.why === 'reads' ? 'data is given' : 'a value holding a secret is given'} to ${sinkPhrase(leaves)}; in a proven read only programs that keep their arguments here may be given one, and only bash's echo, printf and test in their arguments (docs/secrets.md)`);
  const script = plan ? planText(plan, (n) => `"\${${valueVar(n)}}"`) : r.script;
  assertEnvNames(Object.keys(spec.env ?? {})); // validate refuses them first; a caller that skipped it is stopped here
  const envFlows = Object.entries(spec.env ?? {}).map(([k, v]) => [k, renderFlow(v, scope)] as const);
  const env = Object.fromEntries(envFlows.map(([k, f]) => [k, f.text]));
  // A proven read's TZ is a zone's name, never a path (shell-vars.ts zoneName): validate let a ${{ }} value by.
  if (unconfirmed && env.TZ !== undefined && !zoneName(env.TZ)) {
    // Quoted as the gate shows it: a value from a secret is the mask (the redactor cannot mask a 2-digit piece).
    const shown = envFlows.find(([k]) => k === 'TZ')![1].shown;
    throw new Error(`not proven to read: its TZ (${JSON.stringify(shown)}) is not a time zone's name; a path there is a file the C library opens`);
  }
  const action = { kind: 'shell' as const, script, values: r.values, env, withheld: inputVariables(doc), ...(unconfirmed && plan ? { proven: true } : {}) };
  const where = targetName === undefined ? undefined : chooseTarget(doc, targetName, scope);
  const dir = spec.cwd ? renderFlow(spec.cwd, scope) : undefined;
  const cwd = dir?.text;
  // validate refuses a cwd: that reads a secret; this, one a secret's value flows into (a step's capture, say). By
  // flow: the author's own path equal to a piece of a secret step's output is the author's.
  if (dir?.tainted) {
    throw new Error(`its directory (cwd: ${spec.cwd}) holds a secret, and a step's directory is on the command line of the program that runs it and in the run's record`);
  }
  return {
    action: {
      ...action, ...(cwd !== undefined ? { cwd } : {}),
      ...(where?.remote ? { remote: where.remote } : where ? { localFor: targetName } : {}),
    },
    command: r.display,
    shown: {
      env: Object.fromEntries(envFlows.map(([k, f]) => [k, f.shown])),
      ...(dir ? { cwd: dir.shown } : {}),
    },
    ...withStores(givenSecrets(scope, [...r.values.map((v, i): [string, unknown, boolean] => [`\${{ ${r.sources[i]} }}`, v, r.tainted[i]!]),
      ...envFlows.map(([k, f]): [string, unknown, boolean] => [`env ${k}`, f.text, f.tainted]), ['cwd', cwd, dir?.tainted]]),
    [...secretStoresRead(spec.run, plan, r.values), ...(plan && unconfirmed && !where?.remote ? keptFilesRead(plan, r.values, cwd) : [])]),
    ...(where ? { target: where.remote ? describeRemote(where.remote) : `this machine [target ${targetName} not used: ${where.why}]` } : {}),
  };
}

/** Where a step that names `name` runs: the first target along its `otherwise` chain whose `if` holds, or this
 *  machine (with why) when the chain ends at none. The identity is recorded under `name` whichever it is, so a
 *  resume that would land elsewhere is refused (executors/remote-run.ts, shell.ts). */
export function chooseTarget(doc: RunbookDoc, name: string, scope: Scope): { remote: RemoteTarget } | { remote?: undefined; why: string } {
  const seen = new Set<string>();
  for (let at: string | undefined = name; at !== undefined; ) {
    const t: TargetDoc | undefined = own(doc.targets, at);
    if (!t) throw new Error(`unknown target '${at}'`);
    if (seen.has(at)) throw new Error(`target '${name}' falls back in a circle through 'otherwise'`);
    seen.add(at);
    if (t.if === undefined || test(t.if, scope).value) {
      const remote = remoteTarget(doc, at, scope);
      return { remote: at === name ? remote : { ...remote, standsFor: name } };
    }
    if (t.otherwise === undefined) return { why: seen.size === 1 ? `its if (${t.if}) is false` : `the if of each of ${[...seen].join(', ')} is false` };
    at = t.otherwise;
  }
  throw new Error(`unknown target '${name}'`);
}

/** A target's templates filled in. */
function remoteTarget(doc: RunbookDoc, name: string, scope: Scope): RemoteTarget {
  const t = own(doc.targets, name);
  if (!t) throw new Error(`unknown target '${name}'`);
  // Every field becomes an argument of the client (ssh, kubectl, docker): readable by any local user while the
  // step runs. Validation refuses fields that read a secret; this refuses a value that turns out to hold one
  // (computed from one through vars, say) before anything runs.
  const taint = scope[TAINT as unknown as string] as Taint | undefined;
  // By flow, as a step's values are: two digits of a PIN through a vars value are no value the redactor knows, and
  // a probe of stop 78 read them in `ssh op-48@host` on the screen, in the record and on ssh's command line.
  const fill = (v: string | undefined) => {
    if (v === undefined) return undefined;
    const { text: value, tainted } = renderFlow(v, scope);
    if (tainted || taint?.secret(value)) throw new Error(`target '${name}': '${v}' gives a secret, and target fields are on the ${'ssh' in t ? 'ssh' : 'kubectl' in t ? 'kubectl' : 'docker'} command line`);
    return value;
  };
  // An optional field whose template fills in empty (`${{ default(inputs.db_namespace, '') }}`) is not given.
  const opt = <K extends string>(key: K, v: string | undefined) => (v === undefined || v === '' ? {} : { [key]: v } as Record<K, string>);
  if ('ssh' in t) {
    const s = typeof t.ssh === 'string' ? { destination: t.ssh } : t.ssh;
    const port = s.port === undefined ? undefined : Number(typeof s.port === 'string' ? fill(s.port) : s.port);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`target '${name}': '${String(s.port)}' is not a port`);
    const given = fill(s.destination)!;
    if (given === '') throw new Error(`target '${name}': the ssh destination is empty`);
    let destination: string;
    try { destination = sshDestination(given, port); } catch (e) { throw new Error(`target '${name}': ${(e as Error).message}`); }
    return {
      kind: 'ssh', name, destination, ...(port !== undefined ? { port } : {}), ...opt('config', fill(s.config)),
      ...(typeof t.ssh === 'object' && t.ssh.allow_unchecked_host_key ? { allowUncheckedHostKey: true } : {}),
    };
  }
  // Names that kubectl or docker could take for an option are refused here, before anything runs.
  const named = (field: string, v: string | undefined): string | undefined => {
    const problem = v === undefined ? undefined : targetNameProblem(v);
    if (problem) throw new Error(`target '${name}': ${field} ${problem}`);
    return v;
  };
  if ('kubectl' in t) {
    const k = t.kubectl;
    const pod = k.pod === undefined ? {} : { pod: named('pod', fill(k.pod))! };
    const selector = k.selector === undefined ? {} : { selector: named('selector', fill(k.selector))! };
    return {
      kind: 'kubectl', name, ...pod, ...selector, ...opt('namespace', named('namespace', fill(k.namespace) || undefined)),
      ...opt('context', named('context', fill(k.context) || undefined)), ...opt('container', named('container', fill(k.container) || undefined)),
    };
  }
  return { kind: 'docker', name, container: named('container', fill(t.docker.container))! };
}

/** `vouched`: a non-destructive step whose `safe_because` covers SQL the parser cannot prove read-only. */
export function prepareSql(doc: RunbookDoc, sql: SqlActionDoc, scope: Scope, readOnly: boolean, timeoutMs: number, vouched = false): Prepared {
  const { name, url } = connectionUrl(doc, sql.connection, scope);
  const engine = engineOfScheme(url);
  const query = typeof sql.query === 'string' ? sql.query : engine === 'mysql' || engine === 'mariadb' ? sql.query.mysql : sql.query.postgres;
  if (query === undefined) throw new Error(`this step has no SQL for ${engine ?? 'this database'}`);
  const filled = (sql.params ?? []).map((p) => (typeof p === 'string' ? renderParam(p, scope) : { value: p, shown: p, tainted: false }));
  const params = filled.map((f) => f.value);
  // Shown masked by flow, as a shell step's values are (events/schema.ts, Shown): the query is the author's text.
  const shown = params.length ? `${sqlShown(query)}\n-- params: ${JSON.stringify(filled.map((f) => f.shown))}` : sqlShown(query);
  const given = givenSecrets(scope, filled.map((f, i): [string, unknown, boolean] => {
    const p = sql.params?.[i];
    return [`param ${i + 1}${typeof p === 'string' ? ` (${p})` : ''}`, f.value, f.tainted];
  }));
  const action: Action = { kind: 'sql', connection: name, url, query, params, readOnly, timeoutMs, ...(readOnly && vouched ? { vouched } : {}), ...(given.given ? { secretParams: true } : {}) };
  const login = loginSecrets(doc, name, scope);
  // Where the server keeps the passwords its accounts log in with, the session's own among them: what the step
  // returns is withheld, as if it were given the secret (language/sql/account-stores.ts). Not its session's.
  // So too a setting's value the server shows only to a superuser (language/sql/pg-setting-reads.ts), and a
  // MySQL/MariaDB variable that may hold a password (language/sql/mysql-variable-reads.ts).
  const reads = [accountStoreRead(query, engine === 'postgres' ? 'postgres' : 'mysql'), engine === 'postgres' ? pgSettingRead(query) : mysqlVariableRead(query)]
    .filter((r): r is string => r !== undefined);
  const fromServer = reads.length ? { given: [...(given.given ?? []), ...reads], fromServer: reads } : given;
  return { action, command: shown, target: url, ...fromServer, ...(login ? { login } : {}) };
}

export function prepareProbe(doc: RunbookDoc, probe: ProbeName, args: ProbeArgsDoc | undefined, scope: Scope, stepTimeoutMs: number): Prepared {
  const w = args ?? {};
  const url = w.url !== undefined ? renderTemplate(w.url, scope) : w.connection !== undefined ? connectionUrl(doc, w.connection, scope).url : undefined;
  // Filled in by flow: a probe's answer quotes its address (`connect ECONNREFUSED 127.0.0.1:153`), so one a secret
  // flowed into gives the step that secret, and what it returns is withheld (a probe of stop 78 read two digits of a
  // PIN as a port). A URL is the engine's own login, as a connection's: it gives nothing (docs/secrets.md).
  const flows = { host: w.host, port: typeof w.port === 'string' ? w.port : undefined, servername: w.servername, parameter: w.parameter };
  const filled = Object.fromEntries(Object.entries(flows).flatMap(([k, v]) => (v === undefined ? [] : [[k, renderFlow(v, scope)]])));
  const host = filled.host?.text;
  const portFlow = filled.port;
  const port = w.port === undefined ? undefined : Number(portFlow ? portFlow.text : w.port);
  const timeoutMs = toMs(w.timeout, Math.min(stepTimeoutMs, 10_000));
  const servername = filled.servername?.text;
  const parameter = filled.parameter?.text;
  const given = givenSecrets(scope, Object.entries(filled).map(([k, f]): [string, unknown, boolean] => [`with.${k}`, f.text, f.tainted]));
  const action: Action = {
    kind: 'probe', probe, timeoutMs,
    ...(url !== undefined ? { url } : {}), ...(host !== undefined ? { host } : {}),
    ...(port !== undefined ? { port } : {}), ...(servername !== undefined ? { servername } : {}),
    ...(parameter !== undefined ? { parameter } : {}),
  };
  // Shown (and recorded) with the password's place masked, whatever its length; the action keeps the real URL.
  const shownHost = w.host !== undefined ? renderShown(w.host, scope) : '';
  // A connection's URL as an SQL step's target shows it: a part from a secret masked (url-secrets.ts).
  const shownUrl = w.url !== undefined && url !== undefined && !readsWhole(w.url) ? renderShown(w.url, scope)
    : w.url === undefined && w.connection !== undefined ? loginSecrets(doc, w.connection, scope)?.shown ?? url : url;
  // The port as shown: the mask where a secret flowed into it, as the host.
  const shownPort = portFlow?.tainted ? MASK : port;
  const where = shownUrl !== undefined ? displayUrl(shownUrl) : `${shownHost}${shownPort !== undefined ? `:${shownPort}` : ''}`;
  return { action, command: `probe ${probe} ${where}`.trim(), ...(url ? { target: url } : {}), ...given };
}

/** One poll of a wait step's action. */
export function preparePoll(doc: RunbookDoc, step: StepDoc, scope: Scope): Prepared {
  const w = step.wait!;
  const stepTimeout = toMs(step.timeout, DEFAULT_TIMEOUT_MS);
  if (w.sql) return prepareSql(doc, w.sql, scope, step.destructive !== true, stepTimeout, vouchedFor(step));
  if (w.shell !== undefined) return prepareShell(doc, w.shell, scope, step.target, unconfirmed(step));
  return prepareProbe(doc, w.probe!, w.with, scope, stepTimeout);
}

/** A wait step: its first poll's action, shown with how often and how long it is repeated. */
export function prepareWait(doc: RunbookDoc, step: StepDoc, scope: Scope): Prepared {
  const w = step.wait!;
  const poll = preparePoll(doc, step, scope);
  return { ...poll, command: `${poll.command}\n(repeated every ${duration(w.every, '5s')} for up to ${duration(w.for, '5m')} until ${w.until})` };
}

export const duration = (d: string | number | undefined, fallback: string): string => (d === undefined ? fallback : typeof d === 'number' ? `${d}s` : d);

/** `destructive: false` with a reason: the author vouches that what the lint could not prove is harmless. */
export { vouchedFor };

/** The step runs without the operator's yes and without an author's vouching: a proven read (or a probe). */
export const unconfirmed = (step: StepDoc): boolean => step.destructive !== true && !vouchedFor(step);

/** The action of a step that has one (every kind but runbook calls and end steps). */
export function prepareStep(doc: RunbookDoc, step: StepDoc, scope: Scope): Prepared {
  const timeoutMs = toMs(step.timeout, DEFAULT_TIMEOUT_MS);
  if (step.wait) return prepareWait(doc, step, scope);
  if (step.shell !== undefined) return prepareShell(doc, step.shell, scope, step.target, unconfirmed(step));
  if (step.sql) return prepareSql(doc, step.sql, scope, step.destructive !== true, timeoutMs, vouchedFor(step));
  if (step.probe) return prepareProbe(doc, step.probe, step.with, scope, timeoutMs);
  if (step.manual !== undefined) {
    const m = typeof step.manual === 'string' ? { instructions: step.manual } : step.manual;
    // Only shown (the question the operator reads, and records): a value from a secret is the mask there, by flow,
    // as in a title (a probe of stop 78 read two digits of a PIN in a question's text, on screen and recorded).
    const instructions = renderShown(m.instructions, scope);
    return { action: { kind: 'manual', instructions, ...(m.choices ? { choices: m.choices } : {}) }, command: instructions };
  }
  if (step.prompt) {
    const p = step.prompt;
    const message = renderShown(p.message, scope);
    const secret = p.secret === true || step.secret === true; // the answer is masked from the moment it is given
    return { action: { kind: 'prompt', ...p, message, ...(secret ? { secret } : {}) }, command: renderShown(p.message, scope) };
  }
  throw new Error(`step '${step.id}' has no action to prepare`);
}
