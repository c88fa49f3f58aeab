// What a kubectl read hands back that the cluster or the kubeconfig keeps secret (language/validate/kubectl-secrets.ts).
// A probe of stop 78: `kubectl get secret db -o jsonpath='{.data.password}' | base64 -d | rev` and `kubectl config
// view --raw` validated clean as proven reads and printed the cluster's password and the operator's token (from
// KUBECONFIG, which a proven read keeps) on the screen and in the transcript, dry run too; plain `config view`
// printed an auth provider's id-token (kubectl's redaction leaves it). Real kubectl against a
// loopback API server; the commands generated (seed 78) from the ways kubectl names a type, prints an object,
// and is wrapped or piped; clean twins (pods) stay shown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';
import { secretStoresRead } from '../../src/language/validate/shell-lint.js';
import { planOfTemplate } from '../../src/language/shell-plan.js';

const PASSWORD = 'kubePw78secretQ';
const TOKEN = 'kubeTok78secretZ';
/** An OIDC auth provider's token, which kubectl writes out even without --raw. */
const ID_TOKEN = 'kubeIdTok78secretW';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const reversed = (s: string) => [...s].reverse().join('');
/** Every form of the two secrets a generated command prints: as stored (base64), decoded, and reversed. */
const FORMS = [PASSWORD, TOKEN, ID_TOKEN, b64(PASSWORD)].flatMap((s) => [s, reversed(s)]);

const SECRET = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'db', namespace: 'default' }, type: 'Opaque', data: { password: b64(PASSWORD) } };
const POD = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
const ANSWERS: Record<string, unknown> = {
  '/version': { major: '1', minor: '32', gitVersion: 'v1.32.0' },
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [
    { name: 'secrets', singularName: 'secret', namespaced: true, kind: 'Secret', verbs: ['get', 'list'] },
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] },
  ] },
  '/api/v1/namespaces/default/secrets/db': SECRET,
  '/api/v1/namespaces/default/secrets': { kind: 'SecretList', apiVersion: 'v1', metadata: {}, items: [SECRET] },
  '/api/v1/secrets': { kind: 'SecretList', apiVersion: 'v1', metadata: {}, items: [SECRET] },
  '/api/v1/namespaces/default/pods/web': POD,
  '/api/v1/namespaces/default/pods': { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [POD] },
};

const TYPES = ['secret db', 'secrets db', 'Secret db', 'SECRETS db', 'secret/db', 'secrets/db', 'pods,secrets', 'secret', 'secrets', '"${{ inputs.kind }}" db'];
const PRINTS = ["-o jsonpath='{.items[*].data.password}'", '-o yaml', '-o json', "-o go-template='{{range .items}}{{.data.password}}{{end}}'"];
const WRAPS = ['', 'timeout 20 ', 'nice -n 1 ', 'env -C / '];
const TAILS = ['', ' | rev', ' | tr -d x', ' | od -c', ' | grep -o "[A-Za-z0-9=]*" | rev'];
const CONFIG = ['config view', 'config view --raw', 'config view --flatten', 'config view --raw --minify', "config view --raw -o jsonpath='{.users[0].user.token}'",
  "config view -o jsonpath='{.users[1].user.auth-provider.config.id-token}'", '--context=c config view --flatten -o json'];

/** `count` secret reads: generated types, printers, wrappers and pipes (a single object gets a jsonpath on itself). */
function secretReads(seed: number, count: number): string[] {
  const next = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  return Array.from({ length: count }, (_, i) => {
    if (i % 4 === 3) return `${pick(WRAPS)}kubectl ${pick(CONFIG)}${pick(TAILS)}`;
    const type = pick(TYPES);
    const single = /(^|\/|")db$|db$/.test(type) && !type.includes(',');
    const print = single ? pick(["-o jsonpath='{.data.password}'", '-o yaml', '-o json']) : pick(PRINTS);
    // A value is an operand only after `--` (else it may become an option): the lint says so.
    return type.includes('${{') ? `${pick(WRAPS)}kubectl get ${print} -- ${type}${pick(TAILS)}` : `${pick(WRAPS)}kubectl get ${type} ${print}${pick(TAILS)}`;
  });
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const yamlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

for (const mode of ['real', 'dry'] as const) {
  test(`kubectl reads of the cluster's secrets and the kubeconfig's credentials are withheld (${mode} run); pods are shown`, { timeout: E2E_TEST_LIMIT_MS, skip: !kubectl && 'kubectl not installed' }, async (t) => {
    const server = createServer((req, res) => {
      const body = ANSWERS[(req.url ?? '').split('?')[0]!];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { kind: 'Status', code: 404 }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => server.close());
    const port = (server.address() as { port: number }).port;
    const dir = scratch(t);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "http://127.0.0.1:${port}" } }]\ncontexts: [{ name: c, context: { cluster: c, user: u, namespace: default } }]\ncurrent-context: c\nusers: [{ name: u, user: { token: ${TOKEN} } }, { name: v, user: { auth-provider: { name: oidc, config: { id-token: ${ID_TOKEN} } } } }]\n`);
    const reads = secretReads(78, 24);
    const clean = ["kubectl get pods web -o jsonpath='{.metadata.name}'", 'kubectl get po -o yaml | grep -c nginx', 'kubectl config current-context', 'kubectl config get-contexts -o name'];
    const steps = [...reads, ...clean].map((run, i) => `  - id: s${i}\n    shell: ${yamlString(run)}\n`).join('');
    const file = writeRunbook(dir, 'kube', `name: kube\ntitle: Kube\ninputs:\n  kind: { default: secret }\nsteps:\n${steps}  - { id: done, end: resolved, message: ok }\n`);
    const v = await cli(['validate', file], { cwd: dir });
    assert.equal(v.code, 0, `every generated read validates clean (a proven read): ${v.stdout}${v.stderr}`);
    const transcript = join(dir, 'run.jsonl');
    const r = await cli(['run', file, '--plain', '--transcript', transcript, ...(mode === 'dry' ? ['--dry-run'] : [])], { cwd: dir, env: { KUBECONFIG: kubeconfig } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const written = readFileSync(transcript, 'utf8');
    for (const form of FORMS) {
      assert.ok(!r.stdout.includes(form), `${form} on the screen:\n${r.stdout}`);
      assert.ok(!written.includes(form), `${form} in the transcript`);
    }
    const finished = new Map(transcriptLines(transcript).filter((l) => l.type === 'step-finished').map((l) => [l.stepId as string, l.result as { status: string; stdout?: string; withheld?: { because: string[] } }]));
    reads.forEach((run, i) => {
      const res = finished.get(`s${i}`);
      assert.equal(res?.status, 'ok', `${run} ran`);
      // Withheld, and not even its size (stop 80): that it printed the secret is the screen's `w` view's to show.
      assert.ok(res?.withheld && res.stdout === '****', `${run}: withheld (${JSON.stringify(res)})`);
      assert.match(res!.withheld!.because.join(), /by kubectl (get|config view)/);
    });
    clean.forEach((run, i) => {
      const res = finished.get(`s${reads.length + i}`);
      assert.equal(res?.status, 'ok', run);
      assert.equal(res?.withheld, undefined, `${run} is shown`);
    });
    assert.match(r.stdout, /\| web\n/, 'a pod read is on the screen');
    assert.match(r.stdout, /\| c\n/, 'the current context is on the screen');
  });
}

// The engine's reading outside the proven subset too (a gated or vouched step): a loop's `"$n"` stands as the
// name or the type it is written as; a value that may be a type counts as one that may name Secrets.
test('what a kubectl step reads from a store, by the engine reading of its text', () => {
  const reads = (script: string, values: string[] = []) => secretStoresRead(script, planOfTemplate(script), values);
  assert.deepEqual(reads('for n in a b; do kubectl get secret "$n" -o yaml; done'), ["the cluster's stored secrets, by kubectl get secret"]);
  assert.equal(reads('kubectl get "$kind" db -o yaml').length, 1);
  assert.equal(reads('kubectl get -o yaml -- "${{ inputs.kind }}" db', ['secrets']).length, 1);
  assert.deepEqual(reads('kubectl get -o yaml -- "${{ inputs.kind }}" db', ['pods']), []);
  assert.deepEqual(reads('timeout 5 kubectl -n prod get pods,deploy -o wide; kubectl logs web'), []);
  assert.equal(reads("bash -c 'kubectl get secrets -A -o json'").length, 1);
});
