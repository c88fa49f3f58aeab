// Targets that apply only sometimes (`if` / `otherwise`): the fallback chain names real targets and ends. A pod
// is named by `pod` or by `selector`, one of them; a name written out cannot start with `-` (engine/prepare.ts
// checks filled-in templates the same way). And no target field comes from a secret: the destination, port,
// config file, pod, namespace, context and container are arguments of the ssh/kubectl/docker client, readable by
// every local user in /proc/<pid>/cmdline while it runs.
import type { RunbookDoc, TargetDoc } from '../schema.js';
import { targetNameProblem } from '../target-names.js';
import { childPath } from '../source-map.js';
import { didYouMean } from '../suggest.js';
import { own } from '../../common/own.js';
import type { Reporter } from './context.js';
import { secretReads } from './secret-reads.js';

export function checkTargetChoices(doc: RunbookDoc, report: Reporter): void {
  const targets = doc.targets ?? {};
  const known = Object.keys(targets);
  for (const [name, t] of Object.entries(targets)) {
    const base = childPath('/targets', name);
    checkNames(name, t, base, report);
    if (t.otherwise === undefined) continue;
    const path = `${base}/otherwise`;
    if (t.if === undefined) {
      report.error('misplaced-key', path, `target '${name}' has 'otherwise' but no 'if': 'otherwise' is where its steps run when 'if' is false`, 'key');
    } else if (!known.includes(t.otherwise)) {
      report.error('unknown-target', path, `unknown target '${t.otherwise}'${didYouMean(t.otherwise, known)}`);
    } else {
      const w = walk(doc, name);
      if (w.loops) report.error('target-loop', path, `target '${name}' falls back in a circle through 'otherwise' (${w.names.join(' → ')}): end the chain with a target that has no 'if'`);
    }
  }
}

function checkNames(name: string, t: TargetDoc, base: string, report: Reporter): void {
  if ('kubectl' in t && (t.kubectl.pod === undefined) === (t.kubectl.selector === undefined)) {
    report.error('schema', `${base}/kubectl`, `target '${name}' names its pod by 'pod' or by 'selector': one of them`, 'key');
  }
  const names = 'kubectl' in t ? t.kubectl : 'docker' in t ? t.docker : {};
  for (const [field, value] of Object.entries(names)) {
    const problem = typeof value === 'string' ? targetNameProblem(value) : undefined;
    if (problem) report.error('schema', `${base}/${Object.keys(t).find((k) => k === 'kubectl' || k === 'docker')!}/${field}`, `target '${name}': ${field} ${problem}`);
  }
}

/** The names `otherwise` leads through from `name`, up to and including the first repeat (if any). */
function walk(doc: RunbookDoc, name: string): { names: string[]; loops: boolean } {
  const names: string[] = [];
  for (let at: string | undefined = name; at !== undefined; at = own(doc.targets, at)?.otherwise) {
    const loops = names.includes(at);
    names.push(at);
    if (loops) return { names, loops };
  }
  return { names, loops: false };
}

/** The target's fields that become the client's arguments, with their paths. */
function argvFields(t: TargetDoc, base: string): [string, string][] {
  const out: [string, string][] = [];
  const add = (key: string, v: unknown) => { if (typeof v === 'string') out.push([`${base}/${key}`, v]); };
  if ('ssh' in t) {
    if (typeof t.ssh === 'string') add('ssh', t.ssh);
    else { add('ssh/destination', t.ssh.destination); add('ssh/port', t.ssh.port); add('ssh/config', t.ssh.config); }
  } else if ('kubectl' in t) {
    for (const k of ['pod', 'namespace', 'context', 'container'] as const) add(`kubectl/${k}`, t.kubectl[k]);
  } else add('docker/container', t.docker.container);
  return out;
}

export function checkSecretTargets(doc: RunbookDoc, report: Reporter): void {
  for (const [name, t] of Object.entries(doc.targets ?? {})) {
    for (const [path, text] of argvFields(t, childPath('/targets', name))) {
      const reads = secretReads(doc, text);
      if (reads.length) {
        report.error('secret-on-argv', path, `target '${name}' takes this field from ${[...new Set(reads)].join(', ')}: target fields are arguments of the ssh/kubectl/docker client, `
          + 'which every local user can read while it runs; give the host, pod or container as a plain input, and keep secrets in the ssh config, the agent or kubectl\'s own credentials');
      }
    }
  }
}
