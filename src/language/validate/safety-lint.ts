// A step that changes things must say so: the run stops for the operator before every destructive step.
import type { RunbookDoc, StepDoc } from '../schema.js';
import type { Reporter } from './context.js';
import { lintSql } from './sql-safety.js';

const DANGEROUS_SHELL = /\b(rm|rmdir|kill|pkill|killall|reboot|shutdown|halt|poweroff|truncate|dd|mkfs|iptables|ufw|drop|delete|terminate|restart|stop|reload)\b|systemctl\s+\w*\s*(restart|stop|reload|kill)|docker\s+(rm|stop|restart|kill)|kubectl\s+(delete|scale|drain|rollout\s+restart)|>\s*\/(etc|var|usr)\//i;

export function lintSafety(doc: RunbookDoc, report: Reporter): void {
  lintSql(doc, report); // SQL is proven read-only by the engine's parser (sql-safety.ts)
  doc.steps.forEach((step, i) => {
    const finding = dangerIn(step);
    if (!finding) return;
    if (step.destructive === true) return;
    const base = `/steps/${i}`;
    if (step.destructive === false) {
      if (!step.safe_because?.trim()) {
        report.error('unsafe-unmarked', `${base}/destructive`, `step '${step.id}' ${finding} but is marked 'destructive: false' without 'safe_because: <why>'`);
      }
      return;
    }
    report.error('unsafe-unmarked', `${base}/id`, `step '${step.id}' ${finding}: mark it 'destructive: true' so the operator confirms it, or 'destructive: false' with 'safe_because'`);
  });
}

/** What makes the step look dangerous, in words, or undefined. */
export function dangerIn(step: StepDoc): string | undefined {
  const shell = typeof step.shell === 'string' ? step.shell : step.shell?.run;
  const match = shell ? DANGEROUS_SHELL.exec(stripComments(shell)) : null;
  if (match) return `runs a shell command that looks destructive ('${match[0].trim()}')`;
  return undefined;
}

const stripComments = (script: string) => script.split('\n').map((l) => l.replace(/(^|\s)#.*$/, '')).join('\n');
