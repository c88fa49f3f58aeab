// A pod, container, namespace, context or selector handed to kubectl or docker: one word with its flag or after
// `--` on their command lines, so never read as an option; still, a name that starts with `-` is a mistake
// (no Kubernetes or Docker name can), and one filled in from a template that way may be an attempt.

/** Why `value` cannot name a pod, container, namespace, context or selector; undefined when it can. */
export function targetNameProblem(value: string): string | undefined {
  if (value === '') return 'is empty';
  if (value.startsWith('-')) return `'${value}' starts with '-', which kubectl and docker would read as an option`;
  return undefined;
}
