// Who a kubectl or docker target is: not its description (the same `postgres-0` exists in every cluster) but
// where the client points and what answers there. kubectl: the context, its cluster's API server and the pod's
// UID; docker: the context, its endpoint and the container's ID. Recorded in the transcript, so a resume after
// `kubectl config use-context other`, another DOCKER_HOST or a rebuilt pod is refused (naming both), unless
// --retarget.
//
// The run then stays where it was identified: every exec names the context (and the pod's namespace) read here,
// so a context switched in another terminal mid-run does not move the steps. Nor does a container or pod
// recreated under the same name: docker steps exec by the container ID read here, and a pod's UID is read
// again before every step (samePod), which fails when it changed.
import { spawn } from 'node:child_process';
import type { TargetFingerprint } from './fingerprint.js';
import { classifyRemote } from './remote-classify.js';
import { describeRemote } from './remote-describe.js';
import type { ContainerPlace } from './remote-place.js';
import type { Classification, RemoteTarget } from './types.js';

type Kube = Extract<RemoteTarget, { kind: 'kubectl' }>;
type Docker = Extract<RemoteTarget, { kind: 'docker' }>;

export type ContainerIdentity =
  | { ok: true; fingerprint: TargetFingerprint; place: ContainerPlace }
  | { ok: false; classification: Classification; error: string };

const LIMIT_MS = 60_000; // a cluster's API server may be slow to answer; the step's own timeout still applies

export function identifyContainer(t: Kube | Docker, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<ContainerIdentity> {
  return t.kind === 'kubectl' ? identifyKube(t, env, signal) : identifyDocker(t, env, signal);
}

async function identifyKube(t: Kube, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<ContainerIdentity> {
  const view = await run(t, [...(t.context !== undefined ? [`--context=${t.context}`] : []), 'config', 'view', '--minify',
    '-o', 'jsonpath={.current-context}{"\\t"}{.clusters[0].cluster.server}{"\\t"}{.contexts[0].context.namespace}'], env, signal);
  if (!view.ok) return view;
  const [context = '', server = '', contextNamespace = ''] = view.stdout.trim().split('\t');
  if (!context) return { ok: false, classification: 'target-unreachable', error: 'kubectl has no current context (kubectl config use-context, or give the target a context)' };
  const namespace = t.namespace ?? (contextNamespace || 'default');
  const at = [`--context=${context}`, `--namespace=${namespace}`];
  let pod: string;
  let uid: string;
  let restarts: string;
  if (t.selector !== undefined) {
    const list = await run(t, [...at, 'get', 'pods', `--selector=${t.selector}`, '--field-selector=status.phase=Running',
      '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.metadata.uid}{"\\t"}{.status.containerStatuses[*].restartCount}{"\\n"}{end}'], env, signal);
    if (!list.ok) return list;
    const pods = list.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
    if (pods.length === 0) return { ok: false, classification: 'target-unreachable', error: `no running pod in ${context}/${namespace} matches the selector ${t.selector}` };
    if (pods.length > 1) {
      return { ok: false, classification: 'other', error: `${pods.length} running pods in ${context}/${namespace} match the selector ${t.selector} `
        + `(${pods.map((p) => p[0]).join(', ')}): it must pick one (add a label, e.g. the primary's role)` };
    }
    [pod = '', uid = '', restarts = ''] = pods[0]!;
  } else {
    pod = t.pod ?? '';
    const got = await run(t, [...at, 'get', 'pod', '-o', 'jsonpath={.metadata.uid}{"\\t"}{.status.containerStatuses[*].restartCount}', '--', pod], env, signal);
    if (!got.ok) return got;
    [uid = '', restarts = ''] = got.stdout.trim().split('\t');
  }
  const place: ContainerPlace = { kind: 'kubectl', context, namespace, pod, uid };
  // A container of the pod restarted (same UID) runs new processes: its restart counts are the pod's start.
  return { ok: true, place, fingerprint: { engine: 'host', host: describeRemote(t, { place }), server: `kubectl context ${context} (cluster ${server}), pod ${namespace}/${pod} uid ${uid}`,
    ...(restarts.trim() ? { started: `restarts ${restarts.trim()}` } : {}) } };
}

async function identifyDocker(t: Docker, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<ContainerIdentity> {
  const ctx = await run(t, ['context', 'inspect', '--format', '{{.Name}}\t{{.Endpoints.docker.Host}}'], env, signal);
  if (!ctx.ok) return ctx;
  const [context = '', endpoint = ''] = ctx.stdout.trim().split('\t');
  if (!context) return { ok: false, classification: 'target-unreachable', error: 'docker names no current context' };
  const got = await run(t, [`--context=${context}`, 'inspect', '--type=container', '--format={{.Id}}\t{{.State.StartedAt}}', '--', t.container], env, signal);
  if (!got.ok) return got;
  // A restarted container keeps its ID and runs new processes: when it started is part of what a resume compares.
  const [id = '', startedAt = ''] = got.stdout.trim().split('\t');
  if (!/^[0-9a-f]+$/.test(id)) return { ok: false, classification: 'target-unreachable', error: `docker inspect named no container ID for ${t.container} (it said '${id.slice(0, 80)}')` };
  const place: ContainerPlace = { kind: 'docker', context, container: t.container, id };
  return { ok: true, place, fingerprint: { engine: 'host', host: describeRemote(t, { place }), server: `docker context ${context} (${endpoint}), container ${id}`,
    ...(startedAt ? { started: `started ${startedAt}` } : {}) } };
}

/** Before a later step: the pod of that name is still the one identified (its UID), or why not. kubectl exec
 *  takes a name only: a pod recreated between this check and the exec (a second or so) is not caught. */
export async function samePod(t: Kube, place: Extract<ContainerPlace, { kind: 'kubectl' }>, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<ContainerIdentity | undefined> {
  const got = await run(t, [`--context=${place.context}`, `--namespace=${place.namespace}`, 'get', 'pod', '-o', 'jsonpath={.metadata.uid}', '--', place.pod], env, signal);
  if (!got.ok) return got;
  const uid = got.stdout.trim();
  if (uid === place.uid) return undefined;
  return { ok: false, classification: 'target-unreachable', error: `pod ${place.namespace}/${place.pod} is no longer the one this run identified `
    + `(uid ${place.uid}; now ${uid || 'none'}): it was recreated. Nothing was sent to it` };
}

type Ran = { ok: true; stdout: string } | { ok: false; classification: Classification; error: string };

function run(t: Kube | Docker, args: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(t.kind, args, { stdio: ['ignore', 'pipe', 'pipe'], env, signal: AbortSignal.any([signal, AbortSignal.timeout(LIMIT_MS)]) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (e) => resolve({ ok: false, classification: 'target-unreachable', error: `${t.kind}: ${e.message}` }));
    child.on('close', (code) => {
      if (code === 0) { resolve({ ok: true, stdout }); return; }
      const last = stderr.trim().split('\n').pop() ?? '';
      resolve({ ok: false, classification: classifyRemote(t, code, stderr, false) ?? 'target-unreachable', error: `${t.kind} ${args.find((a) => !a.startsWith('-')) ?? ''}: ${last || `exit ${code ?? 'signal'}`}` });
    });
  });
}
