// `diagnose --from-pod NAMESPACE/POD`: the process of the pod's first running container on this machine, so the
// probes run from its place exactly as --from-pid does (vantage.ts). kubectl says which container that is (its
// runtime's ID); the kernel says which process runs it: the container's cgroup is named after that ID by every
// runtime a kubelet drives (containerd `cri-containerd-<id>.scope`, CRI-O `crio-<id>.scope`, Docker
// `docker-<id>.scope`, the cgroupfs driver `<id>`), so no runtime client is needed, and nothing runs inside the pod.
// A pod on another node is not here: the message names the node, where --from-ssh reaches.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { UserError } from '../common/errors.js';
import { inheritedEnv } from '../secrets/credential-env.js';
import { lastLine } from './container-pid.js';

export interface PodRef { namespace: string; name: string; container: string; node: string; id: string; pid: number }

/** A DNS label or subdomain, as Kubernetes names namespaces and pods: never read as an option by kubectl. */
const NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

interface PodJson {
  spec?: { nodeName?: string; containers?: { name?: string }[] };
  status?: { phase?: string; containerStatuses?: { name?: string; containerID?: string; state?: { running?: unknown } }[] };
}

/** The pod `spec` (NAMESPACE/POD) as this machine runs it, or a one-line error naming why not. */
export function podOf(spec: string): PodRef {
  const [namespace, name, ...rest] = spec.split('/');
  if (!namespace || !name || rest.length || !NAME.test(namespace) || !NAME.test(name)) {
    throw new UserError(`--from-pod takes NAMESPACE/POD (Kubernetes names), got '${spec.slice(0, 80)}'`);
  }
  const pod = podJson(namespace, name);
  const node = pod.spec?.nodeName ?? 'no node yet';
  const running = new Map((pod.status?.containerStatuses ?? []).filter((c) => c.state?.running && c.containerID).map((c) => [c.name, c.containerID!]));
  // The first container of the pod's spec that runs: the application, by convention; sidecars come after it.
  const container = (pod.spec?.containers ?? []).map((c) => c.name).find((c) => c !== undefined && running.has(c));
  if (container === undefined) throw new UserError(`--from-pod ${spec}: no container of the pod is running (it is ${pod.status?.phase ?? 'unknown'}): the probes need its running process`);
  const id = running.get(container)!.replace(/^[a-z-]+:\/\//, '');
  if (!/^[0-9a-f]{64}$/.test(id)) throw new UserError(`--from-pod ${spec}: its container ID '${id.slice(0, 80)}' is not one a runtime gives`);
  const pid = processOfContainer(id);
  if (pid === undefined) throw new UserError(`--from-pod ${spec}: its container ${container} does not run on this machine (the pod is on node ${node}): run this there, or use --from-ssh ${node}`);
  return { namespace, name, container, node, id: id.slice(0, 12), pid };
}

function podJson(namespace: string, name: string): PodJson {
  const r = spawnSync('kubectl', ['get', 'pod', '--namespace', namespace, '--output', 'json', '--', name], { encoding: 'utf8', timeout: 20_000, env: inheritedEnv(process.env, []) });
  if (r.error) throw new UserError(`--from-pod ${namespace}/${name}: kubectl is not installed here (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`);
  if (r.status !== 0) throw new UserError(`--from-pod ${namespace}/${name}: ${lastLine(r.stderr) || `kubectl exited ${r.status}`}`);
  try {
    return JSON.parse(r.stdout) as PodJson;
  } catch {
    throw new UserError(`--from-pod ${namespace}/${name}: kubectl did not answer with the pod's JSON`);
  }
}

/** A cgroup a runtime puts a container in is named after its ID, with or without the runtime's prefix and
 *  `.scope` (podman with cgroupfs: `libpod-<id>`; with systemd, the processes sit in a `container` cgroup below
 *  it). conmon's own `libpod-conmon-<id>` is not the container. */
const inContainer = (cgroups: string, id: string): boolean => {
  const named = new RegExp(`^(?:(?:cri-containerd|crio|docker|libpod)-)?${id}(?:\\.scope)?$`);
  return cgroups.split('\n').some((line) => line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1).split('/').some((part) => named.test(part)));
};

/** The container's first process: of those in its cgroup, the one whose parent is not (the lowest if several). */
export function processOfContainer(id: string): number | undefined {
  const members = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!inContainer(readFileSync(`/proc/${entry}/cgroup`, 'utf8'), id)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      members.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone meanwhile */ }
  }
  const first = [...members].filter(([, parent]) => !members.has(parent)).map(([pid]) => pid).sort((a, b) => a - b);
  return first[0];
}
