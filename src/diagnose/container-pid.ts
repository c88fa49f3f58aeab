// `diagnose --from-container NAME`: the container's first process, as its runtime reports it, so the probes run
// from its place exactly as --from-pid does (vantage.ts). Docker and Podman answer the same inspect template;
// the first runtime that knows the container wins. Nothing runs inside the container.
import { spawnSync } from 'node:child_process';
import { UserError } from '../common/errors.js';
import { inheritedEnv } from '../secrets/credential-env.js';

export interface ContainerRef { name: string; runtime: string; id: string; pid: number }

const RUNTIMES = ['docker', 'podman'] as const;

/** The running container `name` (a name or an ID), or a one-line error naming why not. */
export function containerOf(name: string): ContainerRef {
  // A name is the runtime's argument: one that reads as an option would be taken for one.
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) throw new UserError(`--from-container takes a container name or ID, got '${name.slice(0, 80)}'`);
  const tried: string[] = [];
  for (const runtime of RUNTIMES) {
    const r = spawnSync(runtime, ['inspect', '--type', 'container', '--format', '{{.State.Pid}} {{.State.Status}} {{.Id}}', '--', name], { encoding: 'utf8', timeout: 20_000, env: inheritedEnv(process.env, []) });
    if (r.error) { tried.push(`${runtime}: not installed`); continue; }
    const [pid, status, id] = r.stdout.trim().split(/\s+/);
    if (r.status !== 0 || !id) { tried.push(`${runtime}: ${lastLine(r.stderr) || `exit ${r.status}`}`); continue; }
    if (!(Number(pid) > 0)) throw new UserError(`--from-container ${name}: the container is ${status ?? 'not running'} (${runtime}): the probes need its running process`);
    return { name, runtime, id: id.slice(0, 12), pid: Number(pid) };
  }
  throw new UserError(`--from-container ${name}: no running container of that name here (${tried.join('; ')})`);
}

/** What a container or cluster client said last, without its `Error:` (kubectl's `Error from server (NotFound):`). */
export const lastLine = (s: string): string => s.trim().split('\n').pop()?.replace(/^Error( from server)?( \(\w+\))?:\s*/i, '').slice(0, 160) ?? '';
