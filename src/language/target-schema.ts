// Where a runbook's shell steps may run besides this machine (`targets:`): an SSH host, a Kubernetes pod or a Docker
// container, each optionally chosen at run time (`if` / `otherwise`). Part of the language schema (schema.ts).
import { Type } from '@sinclair/typebox';
import { Expression } from './expression-schema.js';
import { doc, Template } from './schema-doc.js';

/** A target that applies only when the runbook was given one (an optional `db_ssh` input): `if` decides at run
 *  time; when it is false the steps naming the target run on `otherwise` (another target) or on this machine, and
 *  the step and its gate say so. */
const TargetChoice = {
  if: Type.Optional(Expression(doc('Use this target only when this expression holds (e.g. `inputs.db_ssh != null`); otherwise '
    + 'the steps that name it run on `otherwise`, or on this machine. The gate shows which.', ['inputs.db_ssh != null']))),
  otherwise: Type.Optional(Type.String(doc('With `if`: the target to use instead when `if` is false (another name under `targets`). '
    + 'Default: this machine.', ['db_pod']))),
};

export const SshTarget = Type.Object({
  ssh: Type.Union([
    Template('Where to log in: [user@]host, or a Host alias from the ssh config. Templates allowed.', ['${{ inputs.db_ssh }}', 'postgres@db-1.internal']),
    Type.Object({
      destination: Template('[user@]host, or a Host alias from the ssh config. Templates allowed.'),
      port: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), Type.String()], doc('SSH port, or a template giving one.'))),
      config: Type.Optional(Template('An ssh config file to use instead of ~/.ssh/config (ssh -F).')),
      allow_unchecked_host_key: Type.Optional(Type.Boolean(doc('Run even where the ssh config turns host key checking off for this '
        + 'host (StrictHostKeyChecking no or accept-new): the gate and the transcript say so. Default: such a target is refused. '
        + 'Either way the run is pinned to the key of its first connection.'))),
    }, { additionalProperties: false }),
  ], doc('Run through the system OpenSSH client (ssh config, agent, known_hosts, ProxyJump), in batch mode: a host key '
    + 'that is unknown or changed fails the step, never asks.')),
  ...TargetChoice,
  description: Type.Optional(Type.String(doc('What this host is, for people reading the runbook.'))),
}, { additionalProperties: false, ...doc('A host reached over SSH.') });

export const KubectlTarget = Type.Object({
  kubectl: Type.Object({
    pod: Type.Optional(Template('The pod to run in (or `selector`). Templates allowed.')),
    selector: Type.Optional(Template('Instead of `pod`: a label selector that must match exactly one running pod, e.g. '
      + '`app=postgres,role=primary`; more or none fail the step. Chosen once per run. Templates allowed.')),
    namespace: Type.Optional(Template('Its namespace (default: the context\'s).')),
    context: Type.Optional(Template('The kubectl context (default: the current one).')),
    container: Type.Optional(Template('The container in the pod (default: kubectl\'s choice).')),
  }, { additionalProperties: false, ...doc('Which pod: kubectl exec -i [--context] [-n namespace] pod [-c container]; `pod` or `selector`.') }),
  ...TargetChoice,
  description: Type.Optional(Type.String(doc('What this pod is, for people reading the runbook.'))),
}, { additionalProperties: false, ...doc('A pod, through the operator\'s kubectl (kubectl exec -i).') });

export const DockerTarget = Type.Object({
  docker: Type.Object({ container: Template('The container name or id. Templates allowed.') }, { additionalProperties: false, ...doc('Which container: docker exec -i container.') }),
  ...TargetChoice,
  description: Type.Optional(Type.String(doc('What this container is, for people reading the runbook.'))),
}, { additionalProperties: false, ...doc('A container, through the operator\'s docker (docker exec -i).') });

export const Target = Type.Union([SshTarget, KubectlTarget, DockerTarget],
  doc('Where shell steps that name this target run: an SSH host, a Kubernetes pod or a Docker container.'));
