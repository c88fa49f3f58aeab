// A proven read (not destructive, not vouched) hands a secret only to programs that keep their arguments on this
// machine (language/shell-secret-sinks.ts): the run refuses any other, by taint; this says so at validate, where
// the runbook names the secret (a secret input or step), so validate and the run agree.
import { parseTemplate } from '../expression/index.js';
import { planOfTemplate } from '../shell-plan.js';
import { secretLeavesHere, sinkPhrase } from '../shell-secret-sinks.js';
import type { RunbookDoc } from '../schema.js';
import type { Reporter } from './context.js';
import { secretReadsOf } from './secret-reads.js';
import { stepShells } from './step-shells.js';

export function checkSecretSinks(doc: RunbookDoc, report: Reporter): void {
  doc.steps.forEach((step, i) => {
    if (step.destructive === true || step.safe_because?.trim()) return; // gated or vouched: not a proven read
    for (const [path, shell] of stepShells(step, i)) {
      const script = typeof shell === 'string' ? shell : shell?.run;
      if (script === undefined) continue;
      const plan = planOfTemplate(script);
      if (!plan) continue; // outside the subset: not proven, so gated anyway
      let exprs;
      try { exprs = parseTemplate(script).flatMap((p) => (p.kind === 'expr' ? [p.node] : [])); } catch { continue; }
      const reads = exprs.map((node) => secretReadsOf(doc, node));
      const secret = new Set(reads.flatMap((r, k) => (r.length ? [k + 1] : [])));
      const sink = secretLeavesHere(plan, secret);
      if (!sink) continue;
      const given = sink.why === 'reads' ? 'gives data' : `gives ${[...new Set(reads.flat())].join(', ')}`;
      const instead = sink.why === 'argv' ? 'pass it on the input' : sink.why === 'reads' ? `name what ${sink.program} reads in its words` : 'give it a plain input';
      report.error('secret-leaves-machine', typeof shell === 'string' ? path : `${path}/run`,
        `step '${step.id}' ${given} to ${sinkPhrase(sink)}: ${instead}, or mark the step 'destructive: true' so the operator sees it first`);
    }
  });
}

/** A step's directory (`cwd:`), on any step: it is an argument of the programs that run the step (the shield's and
 *  the dry-run sandbox's bwrap --chdir, readable in /proc by any local user) and is recorded with the client files
 *  the run read, so it may not read a secret (a probe of stop 72). The run refuses a value holding one, by taint. */
export function checkSecretDirectories(doc: RunbookDoc, report: Reporter): void {
  doc.steps.forEach((step, i) => {
    for (const [path, shell] of stepShells(step, i)) {
      if (typeof shell !== 'object' || shell.cwd === undefined) continue;
      let exprs;
      try { exprs = parseTemplate(shell.cwd).flatMap((p) => (p.kind === 'expr' ? [p.node] : [])); } catch { continue; }
      const reads = [...new Set(exprs.flatMap((node) => secretReadsOf(doc, node)))];
      if (reads.length) report.error('secret-in-directory', `${path}/cwd`, `step '${step.id}' names its directory with ${reads.join(', ')}, a secret: a directory is on the command line of the program that runs the step and in the run's record; give it a plain input`);
    }
  });
}
