// What another local user (or anything reading /proc) sees while secret-using steps run: every process's
// command line and environment is sampled over and over during a real CLI run. No command line ever holds a
// secret (values reach scripts on stdin, not as bash arguments); no environment holds one except the engine's
// own (it was started with them) and the processes of the one step that declared the secret in its `env:`.
// A called runbook's scripts inherit neither its own inputs' variables nor any caller's.
// Credential variables of the engine's environment (DATABASE_URL, PGPASSWORD, MYSQL_PWD, *_PASSWORD) reach no step.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const dir = scratch({ after });
const token = () => Math.random().toString(36).slice(2, 10);
// Awkward characters: each quoting context of a hole must still hold the value as one inert word.
const PW = `Pw-${token()}:@/#'" $x`;
const VAULT = `Vault${token()}`;
const CALLED = `Called${token()}`;
const ENGINE_ONLY = { DATABASE_URL: `postgres://app:Db${token()}@127.0.0.1:1/db`, PGPASSWORD: `Pg${token()}`, MYSQL_PWD: `My${token()}`, APP_DB_PASSWORD: `Ap${token()}` };
const FORMS = (s: string) => [s, encodeURIComponent(s)];
const ALL = [PW, PW.toUpperCase(), VAULT, CALLED, ...Object.values(ENGINE_ONLY).map((v) => v.replace(/^.*:(Db[a-z0-9]+)@.*$/, '$1'))];

interface Sample { pid: number; cmdline: string; environ: string }

function sampleAll(): Sample[] {
  const out: Sample[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmdline = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${d}/environ`, 'utf8');
      out.push({ pid: Number(d), cmdline, environ });
    } catch { /* exited meanwhile, or not ours to read */ }
  }
  return out;
}

test('no secret in any process command line; in environments only where the step declared it', { timeout: E2E_TEST_LIMIT_MS }, async () => {
  const vaultFile = join(dir, 'vault-response');
  writeFileSync(vaultFile, `postgres://app:${VAULT}@127.0.0.1:1/db\n`);
  // A called runbook's scripts inherit none of its callers' input variables (RB_PROC_PW) either.
  const called = writeRunbook(dir, 'proc-called', `name: proc-called
title: Called from proc-secrets
inputs:
  token: { env: RB_CALLED_TOKEN, secret: true }
steps:
  - id: inner
    shell: sleep 1; bash -c 'sleep 1'
  - { id: done, end: resolved }
`);
  const runbook = writeRunbook(dir, 'proc-secrets', `name: proc-secrets
title: Secrets in flight
inputs:
  pw: { env: RB_PROC_PW, secret: true, required: true }
  vault_file: { required: true }
steps:
  - id: fetch
    title: Fetch a connection URL the way a vault client prints it
    secret: true
    shell: cat \${{ inputs.vault_file }}
    capture: vault
  - id: word
    shell: printf '%s' \${{ inputs.pw }} >/dev/null; sleep 1
  - id: quoted
    destructive: false
    safe_because: assigns and sleeps, and reads nothing
    shell: |
      x="before \${{ inputs.pw }} after"; y='\${{ upper(inputs.pw) }}'; z=$'\${{ vault.output }}'; sleep 1
  - id: heredoc
    destructive: false
    safe_because: assigns and sleeps, and reads nothing
    shell: |
      cat <<EOF >/dev/null
      \${{ json(inputs.pw) }} \${{ vault.output }}
      EOF
      sleep 1
  - id: children
    shell: bash -c 'sleep 1' "\${{ 'not-the-secret' }}"; bash -c 'sleep 1 & wait'; printf '%s' "\${{ inputs.pw }}" | cat >/dev/null
  - id: declared
    shell:
      run: sleep 1; bash -c 'sleep 1'
      env: { api_token: "\${{ inputs.pw }}", step_mark: declared }
  - id: call
    runbook: { name: ${JSON.stringify(called)} }
  - id: polled
    wait: { shell: "sleep 0.5; echo \${{ 'x' + inputs.pw }} >/dev/null", until: "result.ok", every: 1s, for: 10s }
  - { id: done, end: resolved }
`);
  const transcript = join(dir, 'proc.jsonl');
  const run = cli(['run', runbook, '--plain', '--transcript', transcript, '-i', `vault_file=${vaultFile}`],
    { env: { RB_PROC_PW: PW, RB_CALLED_TOKEN: CALLED, ...ENGINE_ONLY }, timeoutMs: 100_000 });
  const engine = run.child.pid!;
  // A child between fork and exec still shows the engine's own command line and environment: it is the engine.
  const engineCmdline = readFileSync(`/proc/${engine}/cmdline`, 'utf8');
  let done = false;
  void run.then(() => { done = true; });
  const leaks: string[] = [];
  const scripts = new Set<number>();
  let declaredSeen = 0, samples = 0;
  while (!done) {
    samples++;
    for (const p of sampleAll()) {
      if (p.cmdline.includes('RUNBOOK_V')) scripts.add(p.pid);
      const declared = p.environ.split('\0').includes('step_mark=declared');
      if (declared) declaredSeen++;
      for (const secret of ALL) {
        for (const form of FORMS(secret)) {
          if (p.cmdline.includes(form)) leaks.push(`cmdline of ${p.pid} (${p.cmdline.replaceAll('\0', ' ').slice(0, 200)})`);
          if (!p.environ.includes(form) || p.pid === engine || p.cmdline === engineCmdline) continue;
          if (declared && secret === PW) continue; // the step said so: env: { api_token: … }
          leaks.push(`environ of ${p.pid} (${p.cmdline.replaceAll('\0', ' ').slice(0, 100)}) holds ${JSON.stringify(secret)}`);
        }
      }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const r = await run;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual([...new Set(leaks)], []);
  // The sampling saw the steps: their scripts (which reference values only by name) and the declared step's processes.
  assert.ok(scripts.size >= 4, `saw ${scripts.size} step scripts in ${samples} samples`);
  assert.ok(transcriptLines(transcript).some((l) => l.type === 'step-finished' && l.stepId === 'call/inner'), 'the called runbook ran');
  assert.ok(declaredSeen > 0, `saw the declared step's processes in ${samples} samples`);
  const written = { stdout: r.stdout, stderr: r.stderr, transcript: readFileSync(transcript, 'utf8') };
  for (const secret of ALL) for (const [where, text] of Object.entries(written)) assert.ok(!text.includes(secret), `${JSON.stringify(secret)} in ${where}`);
  const fetched = transcriptLines(transcript).find((l) => l.type === 'step-finished' && l.stepId === 'fetch') as { result?: { stdout?: string } } | undefined;
  assert.equal(fetched?.result?.stdout, '****\n', 'the fetched URL is recorded masked, whole');
});
