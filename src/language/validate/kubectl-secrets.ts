// What a kubectl read hands back that the cluster or the kubeconfig keeps as a secret: the shell analogue of a
// database's password store (language/sql/account-stores.ts). A probe of stop 78 had proven reads print
// `kubectl get secret db -o jsonpath='{.data.password}' | base64 -d | rev` (the cluster's secret) and `kubectl
// config view --raw` (the operator's own token from KUBECONFIG, which a proven read keeps), on the screen and in
// the transcript, dry run too. Such a step is a step given a secret: what it printed is withheld, by the engine's
// own reading of its words. An allowlist: a resource type is read as holding no secret only when it is one of
// Kubernetes' own kinds that keep none (Secret is the one kind the API marks secret; a custom resource may be
// anything). `config view` is one whatever its options: kubectl writes REDACTED for a token or a password only
// without --raw, and never for an auth provider's id-token, refresh-token and client-secret or an exec plugin's
// env values (kubectl 1.3x, a probe of stop 78).
import { DYNAMIC, HOLE, type Word } from '../shell-words.js';
import { shownWord } from './read-options.js';
import { verbWords } from './read-verbs.js';

/** Built-in kinds that hold no secret, as kubectl names them: plural, singular (also the Kind, lowercased) and its
 *  short names. Written unqualified only: `deployments.apps` or `x.example.com` may be a custom resource's. */
const NOT_SECRET = new Set(`
  pods pod po services service svc deployments deployment deploy replicasets replicaset rs statefulsets statefulset sts
  daemonsets daemonset ds jobs job cronjobs cronjob cj nodes node no namespaces namespace ns events event ev
  endpoints endpoint ep endpointslices endpointslice persistentvolumeclaims persistentvolumeclaim pvc
  persistentvolumes persistentvolume pv storageclasses storageclass sc ingresses ingress ing ingressclasses
  ingressclass networkpolicies networkpolicy netpol horizontalpodautoscalers horizontalpodautoscaler hpa
  poddisruptionbudgets poddisruptionbudget pdb replicationcontrollers replicationcontroller rc resourcequotas
  resourcequota quota limitranges limitrange limits leases lease priorityclasses priorityclass pc configmaps configmap
  cm serviceaccounts serviceaccount sa roles role rolebindings rolebinding clusterroles clusterrole
  clusterrolebindings clusterrolebinding controllerrevisions controllerrevision podtemplates podtemplate
  componentstatuses componentstatus cs all`.split(/\s+/).filter(Boolean));

/** The resource types a `get` or `describe` names: `TYPE[,TYPE…] [NAME…]`, or `TYPE/NAME …`. */
function resourceTypes(operands: Word[]): Word[] {
  const [first] = operands;
  if (!first) return [];
  if (operands.some((w) => w.text.includes('/'))) return operands.map((w) => ({ ...w, text: w.text.split('/')[0]! }));
  return first.text.split(',').map((text) => ({ ...first, text }));
}

const holdsSecret = (type: Word): boolean =>
  type.dynamic || type.pattern || type.text.includes(DYNAMIC) || type.text.includes(HOLE) || !NOT_SECRET.has(type.text.toLowerCase());

/** What of a secret `kubectl args…` reads, said for the record (`the cluster's secrets, by kubectl get secret`);
 *  undefined when it reads none, or is not a reviewed kubectl read (then it is not proven at all). */
export function kubectlSecretRead(args: Word[]): string | undefined {
  const read = verbWords('kubectl', args);
  if (!read) return undefined;
  const [verb, sub] = read.verb;
  if (verb === 'config' && sub === 'view') return "the kubeconfig's credentials, by kubectl config view";
  if (verb !== 'get' && verb !== 'describe') return undefined;
  const secret = resourceTypes(read.parsed.operands).find(holdsSecret);
  return secret ? `the cluster's stored secrets, by kubectl ${verb} ${shownWord(secret.text)}` : undefined;
}
