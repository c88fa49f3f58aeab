// A finding → the runbook to run, as a command the operator can copy, filled in with what the text gave away,
// and what to run first when the text cannot tell two causes apart.
import { existsSync } from 'node:fs';
import { scenarioOf } from '../diagnose/scenarios.js';
import type { Facts, Finding } from './finding.js';
import { POOL_PHRASES } from './pool-phrases.js';

export interface Handover {
  runbook: string | null;
  /** The command to copy; `<…>` marks what the text did not give. */
  command?: string;
  /** What the evidence cannot tell, and the command that can. */
  tellApart?: string;
  /** Not a connection problem, or nothing built in handles it: what to do instead. */
  note?: string;
  /** The process that logged the error runs on this machine: diagnose from where it stands (its namespace). */
  fromPid?: string;
}

/** A URL of the facts, without a password (the runbook asks for it, or reads it from the environment). */
export function urlOf(f: Facts): string {
  const scheme = f.engine ?? '<postgres|mysql>';
  const port = f.port ?? (f.engine === 'mysql' ? '3306' : f.engine === 'postgres' ? '5432' : '<port>');
  return `${scheme}://${f.user ?? '<user>'}@${f.host ?? '<host>'}:${port}/${f.database ?? '<database>'}`;
}

const quote = (s: string): string => (/^[\w@%+=:,./<>-]+$/.test(s) && !/[<>]/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function handoverOf(f: Finding): Handover {
  const url = urlOf(f.facts);
  const from = f.facts.pid !== undefined && f.class !== 'app-pool-timeout' && running(f.facts.pid)
    ? { fromPid: `sudo runbook diagnose ${quote(url)} --from-pid ${f.facts.pid}` } : {};
  return { ...handoverFor(f, url), ...from };
}

/** What else the pool's words can mean, where its phrase says (pool-phrases.ts). */
function alikeOf(stack: string | undefined): string {
  const alike = POOL_PHRASES.find((p) => p.stack === stack)?.alike;
  return alike ? ` ${alike}` : '';
}

/** Whether a process of that id runs here (a log read on another machine names its own). */
function running(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

function handoverFor(f: Finding, url: string): Handover {
  if (f.class === 'app-pool-timeout') {
    const size = f.facts.poolSize !== undefined ? ` -i pool_size=${f.facts.poolSize}` : '';
    return {
      runbook: 'pool-exhausted',
      command: `runbook run pool-exhausted -i url=${quote(url)}${size}`,
      tellApart: `This is the application's own pool (${f.stack ?? 'its pool'}) timing out while it waits for one of its connections, ` +
        `not the server's max_connections: the server may have room. \`runbook diagnose ${quote(url)}\` shows the server's free slots; ` +
        'if there are some, the pool is too small or its connections are held too long (leaks, long transactions).'
        + alikeOf(f.stack),
    };
  }
  const { runbook } = scenarioOf(f.class);
  if (!runbook) return { runbook: null, note: `no built-in runbook handles '${f.class}': run \`runbook diagnose ${quote(url)}\` to probe layer by layer` };
  return { runbook, command: `runbook run ${runbook} -i url=${quote(url)}` };
}
