// The secrets sweep: every built-in runbook, against the lab's PostgreSQL and MariaDB, healthy and with the
// fault it is written for, in plain mode, with the password given every way an operator gives it (URL in
// DATABASE_URL, in --input, unencoded, in PGPASSWORD / MYSQL_PWD). The lab's passwords hold `:@/#`. Runs
// stop at their first unapproved destructive step or unanswered question; what they wrote is checked:
// stdout, stderr, the transcript and `runbook report` (Markdown and JSON) hold no password bytes, plain or
// URL-encoded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { injectFault, startMariadb, startPostgres, type InjectedFault, type LabEngine, type LabServer } from '../../src/lab/index.js';
import * as yaml from 'js-yaml';
import { cli, scratch } from './helpers.js';
import { reportText } from '../../src/cli/commands/report.js';
import { terminalText } from '../../src/common/terminal-text.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every built-in, from runbooks/*.yaml: a new one is swept (or fails below until it names its fault). */
const BUILTINS = readdirSync(join(ROOT, 'runbooks')).filter((f) => f.endsWith('.yaml') && !f.endsWith('.cases.yaml')).map((f) => f.slice(0, -5)).sort();
const inputsOf = (name: string): Record<string, { secret?: boolean }> =>
  (yaml.load(readFileSync(join(ROOT, 'runbooks', `${name}.yaml`), 'utf8')) as { inputs?: Record<string, { secret?: boolean }> }).inputs ?? {};
/** Those that take the database URL; the others (db-host: a host, a pod or a container) are checked below. */
const RUNBOOKS = BUILTINS.filter((name) => 'url' in inputsOf(name));
/** The fault each is written for; 'none' where the lab has no fault to inject for it (the run still logs in and reads). */
const FAULT_FOR: Record<string, Parameters<typeof injectFault>[0]> = {
  auth: 'auth', 'pool-exhausted': 'too-many-connections', refused: 'refused', ssl: 'ssl-required', timeout: 'timeout',
  'session-dropped': 'none', 'read-only': 'none', 'pooler-config': 'none',
};
const ON_HEALTHY = ['auth', 'database-missing', 'none'];
type Form = 'env' | 'input' | 'raw' | 'password-env';
const FORMS: Form[] = ['input', 'raw', 'password-env'];

// A wrong password for the auth fault, as awkward as the lab's own.
const WRONG = `Wr0ng-${Math.random().toString(36).slice(2, 10)}:@/#%`;

const healthy: Partial<Record<LabEngine, LabServer>> = {};
const faults: InjectedFault[] = [];
const dir = scratch({ after });
let secrets: string[] = [];
let runs = 0;

before(async () => {
  [healthy.postgres, healthy.mariadb] = await Promise.all([startPostgres(), startMariadb()]);
  const { appPassword, superPassword } = healthy.postgres!;
  secrets = [appPassword, superPassword, WRONG];
});
after(async () => {
  await Promise.all([...faults.map((f) => f.cleanup()), ...Object.values(healthy).map((s) => s.stop())]);
  console.log(`secrets sweep: ${runs} runs checked`);
});

/** The URL and environment an operator would use, with the password in the given form. */
function given(url: string, form: Form, engine: LabEngine): { args: string[]; env: NodeJS.ProcessEnv } {
  const m = /^([a-z]+:\/\/)([^:]+):([^@]+)@(.*)$/.exec(url)!;
  const [scheme, user, encoded, rest] = [m[1]!, m[2]!, m[3]!, m[4]!];
  switch (form) {
    case 'env': return { args: [], env: { DATABASE_URL: url } };
    case 'input': return { args: ['-i', `url=${url}`], env: {} };
    case 'raw': return { args: ['-i', `url=${scheme}${user}:${decodeURIComponent(encoded)}@${rest}`], env: {} };
    case 'password-env': return { args: ['-i', `url=${scheme}${user}@${rest}`], env: { [engine === 'postgres' ? 'PGPASSWORD' : 'MYSQL_PWD']: decodeURIComponent(encoded) } };
  }
}

/** What `runbook report [--format json]` prints for the transcript: the report, or on stderr why there is none. */
function reportOf(transcript: string, format: 'markdown' | 'json'): string {
  try {
    return terminalText(reportText(transcript, format));
  } catch (e) {
    return terminalText(`runbook: ${(e as Error).message}\n`);
  }
}

async function sweep(runbook: string, engine: LabEngine, url: string, form: Form, extra: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<void> {
  const transcript = join(dir, `${runbook}-${engine}-${form}-${runs++}.jsonl`);
  const { args, env } = given(url, form, engine);
  // Kill timer: a hang guard only. The run ends by its own --deadline (20 s) after a start-up that is ~1 s idle
  // but far longer under load, where 60 s could cut it short (issue #20); the minute left is for the reports.
  const r = await cli(['run', runbook, '--plain', '--deadline', '20s', '--transcript', transcript, ...args],
    { env: { ...env, ...extra.env }, ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}), timeoutMs: E2E_TEST_LIMIT_MS - 60_000 });
  const [report, json] = [reportOf(transcript, 'markdown'), reportOf(transcript, 'json')];
  // The reports are made in this process by the function `runbook report` prints (a CLI start each was a
  // third of this file's CPU); the first runbook's sweeps also run the command and must print the same.
  if (runbook === RUNBOOKS[0]) {
    const [cliReport, cliJson] = await Promise.all([cli(['report', transcript]), cli(['report', transcript, '--format', 'json'])]);
    assert.equal(cliReport.stdout + cliReport.stderr, report, `${runbook} on ${engine}: runbook report prints what reportText makes`);
    assert.equal(cliJson.stdout + cliJson.stderr, json, `${runbook} on ${engine}: runbook report --format json prints what reportText makes`);
  }
  const written: Record<string, string> = {
    stdout: r.stdout, stderr: r.stderr, transcript: readFileSync(transcript, 'utf8'),
    report, 'report --format json': json,
  };
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret), encodeURI(secret)])) {
      for (const [where, text] of Object.entries(written)) {
        assert.ok(!text.includes(form), `${runbook} on ${engine} (${form}): the password ${JSON.stringify(form)} is in ${where}:\n${text.slice(Math.max(0, text.indexOf(form) - 300), text.indexOf(form) + 100)}`);
      }
    }
  }
  assert.ok(r.code !== null && r.code !== 70, `${runbook} exited ${r.code}: ${r.stderr}`); // 70: an internal error
}

test('every built-in is swept: each that takes a URL names its fault; the others take no secret', () => {
  assert.ok(RUNBOOKS.length >= 8, RUNBOOKS.join(', '));
  for (const name of RUNBOOKS) assert.ok(FAULT_FOR[name], `the built-in ${name} has no fault to sweep with: add it to FAULT_FOR`);
  for (const name of BUILTINS.filter((n) => !RUNBOOKS.includes(n))) {
    assert.deepEqual(Object.entries(inputsOf(name)).filter(([, i]) => i.secret).map(([k]) => k), [], `${name} takes a secret but no url: sweep it`);
  }
});

// Most of a run is spent waiting on sockets and probe timeouts: four at a time.
describe('the secrets sweep', { concurrency: 4 }, () => {
  for (const runbook of RUNBOOKS) {
    for (const engine of ['postgres', 'mariadb'] as const) {
      test(`${runbook} on ${engine}: no password in anything written`, { timeout: E2E_TEST_LIMIT_MS }, async () => {
        const server = healthy[engine]!;
        const form = FORMS[(RUNBOOKS.indexOf(runbook) + (engine === 'mariadb' ? 1 : 0)) % FORMS.length]!;
        const kind = FAULT_FOR[runbook]!;
        const fault = await injectFault(kind, engine, ON_HEALTHY.includes(kind) ? { server } : {});
        faults.push(fault);
        const adminEnv = { ADMIN_DATABASE_URL: server.adminUrl() };
        const faultUrl = runbook === 'auth' ? server.url({ password: WRONG }) : fault.url;
        // The pool runbook asks for an administrator URL when every slot is taken: a secret prompt, answered.
        const stdin = runbook === 'pool-exhausted' ? `${(fault.server ?? server).adminUrl()}\n` : undefined;
        await Promise.all([
          sweep(runbook, engine, faultUrl, 'env', { env: adminEnv, ...(stdin ? { stdin } : {}) }),
          sweep(runbook, engine, runbook === 'pool-exhausted' ? server.adminUrl() : server.url(), form, { env: adminEnv }),
        ]);
      });
    }
  }
});

test('a mistyped URL (raw @ in the password) shown at a gate, and a URL given to --input without its name, show no password', async () => {
  const secret = `Q@${WRONG.replace(/[:@/#%]/g, '')}ZZ`;
  const url = `postgres://app:${secret}@127.0.0.1:1/db`;
  const runbook = join(dir, 'gate-target.yaml');
  writeFileSync(runbook, `name: gate-target
title: A destructive first step
inputs:
  url: { required: true, secret: true, type: url }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: kill
    destructive: true
    sql: { query: "SELECT pg_terminate_backend(0)" }
  - { id: done, end: resolved }
`);
  const transcript = join(dir, 'gate-target.jsonl');
  const gate = await cli(['run', runbook, '--plain', '--transcript', transcript, '-i', `url=${url}`]);
  const nameless = await cli(['run', runbook, '--plain', '--no-transcript', '-i', url]);
  const tail = secret.slice(2); // what a mask that stops at the first '@' leaves
  for (const text of [gate.stdout, gate.stderr, readFileSync(transcript, 'utf8'), nameless.stdout, nameless.stderr]) {
    assert.ok(!text.includes(tail), text);
  }
  assert.match(gate.stdout, /on: +postgres:\/\/app:\*\*\*\*@127\.0\.0\.1:1\/db/);
  runs += 2;
});
