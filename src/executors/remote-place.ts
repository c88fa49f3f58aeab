// Where identification put a target's steps (ssh-identity.ts, container-identity.ts), read by the client command
// every step runs (remote.ts) and by what the gate shows (remote-describe.ts).

/** kubectl: the context, namespace, pod and its UID (checked before every step); docker: the context and the
 *  container's ID, which every step execs by (a container recreated under the same name is another ID). */
export type ContainerPlace =
  | { kind: 'kubectl'; context: string; namespace: string; pod: string; uid: string }
  | { kind: 'docker'; context: string; container: string; id: string };

/** The master's socket and pin for SSH; a pod or container otherwise. */
export type Place = { kind: 'ssh'; socket: string; pin?: string } | ContainerPlace;
