// Which steps of the built-in runbooks withhold what (docs/secrets.md): none. Their secrets (database URLs,
// admin URLs, a pasted password) are used by the engine alone, through connections, probes and target checks,
// which give no step's code anything; so every built-in's evidence stays readable in the postmortem. Checked
// here from the runbooks themselves: no script, env: value, working directory or SQL parameter of any built-in
// reads a secret input, a secret step's result, or a value computed from one (a vars step that reads one).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratch, writeRunbook } from '../hardening/helpers.js';
import { loadRunbook } from '../../src/catalog/load-runbook.js';
import { parseTemplate, references } from '../../src/language/expression/index.js';
import { runbookSites } from '../../src/language/sites.js';
import type { RunbookDoc } from '../../src/language/schema.js';
import { accountStoreRead } from '../../src/language/sql/account-stores.js';
import { mysqlVariableRead } from '../../src/language/sql/mysql-variable-reads.js';

const ROOT = join(import.meta.dirname, '..', '..', 'runbooks');
const BUILTINS = readdirSync(ROOT).filter((f) => f.endsWith('.yaml') && !f.endsWith('.cases.yaml')).map((f) => f.replace(/\.yaml$/, ''));

/** Sites whose values a step's code or its server is handed. */
const GIVEN = /^\/steps\/\d+\/(wait\/)?(shell(\/run|\/env\/[^/]+|\/cwd)?|sql\/params\/\d+)$/;

test('no built-in step is given a secret: nothing of theirs is withheld', () => {
  assert.ok(BUILTINS.length >= 8, BUILTINS.join(', '));
  for (const name of BUILTINS) assert.deepEqual(givenSites(loadRunbook(join(ROOT, `${name}.yaml`)).runbook.doc), [], `${name}: these would be withheld; say so in docs/secrets.md`);
});

test('no built-in SQL reads where the server keeps passwords (language/sql/account-stores.ts): nothing withheld for it', () => {
  for (const name of BUILTINS) {
    for (const step of loadRunbook(join(ROOT, `${name}.yaml`)).runbook.doc.steps) {
      const sql = step.sql ?? step.wait?.sql;
      if (!sql) continue;
      const texts = typeof sql.query === 'string' ? [['postgres', sql.query], ['mysql', sql.query]] as const
        : [['postgres', sql.query.postgres], ['mysql', sql.query.mysql]] as const;
      for (const [engine, text] of texts) {
        if (text !== undefined) assert.equal(accountStoreRead(text, engine), undefined, `${name} ${step.id} (${engine})`);
      }
      // Nor a MySQL/MariaDB variable that may hold a password (language/sql/mysql-variable-reads.ts).
      const mysqlText = typeof sql.query === 'string' ? sql.query : sql.query.mysql;
      if (mysqlText !== undefined) assert.equal(mysqlVariableRead(mysqlText), undefined, `${name} ${step.id} (a variable)`);
    }
  }
});

test('the check finds a step that is given one (an env: value, a value computed from a secret step)', (t) => {
  const file = writeRunbook(scratch(t), 'given', `name: given
title: given
inputs:
  pw: { secret: true }
steps:
  - { id: ask, secret: true, prompt: { message: token }, capture: tok }
  - { id: v, vars: { t2: "upper(tok.value)" } }
  - { id: a, destructive: true, shell: { run: "true", env: { P: "\${{ inputs.pw }}" } } }
  - { id: b, destructive: true, shell: "echo \${{ vars.t2 }}" }
  - { id: c, destructive: true, shell: "echo \${{ inputs.pw == null }}" }
  - { id: done, end: resolved }
`);
  assert.deepEqual(givenSites(loadRunbook(file).runbook.doc), ['/steps/2/shell/env/P', '/steps/3/shell', '/steps/4/shell']);
});

/** The sites of `doc` a step's code or server is handed that read a secret (statically: a comparison counts too). */
function givenSites(doc: RunbookDoc): string[] {
  const secretInputs = new Set(Object.entries(doc.inputs ?? {}).filter(([, s]) => s.secret).map(([k]) => k));
  // A secret step's id and capture; and a vars step's names computed from any of these (transitively).
  const secret = new Set<string>();
  for (const s of doc.steps) if (s.secret || s.prompt?.secret) { secret.add(s.id); if (s.capture) secret.add(s.capture); }
  const readsSecret = (text: string) => parseTemplate(text).some((p) => p.kind === 'expr' && references(p.node).some((r) =>
    (r.root === 'inputs' && secretInputs.has(r.member ?? '')) || secret.has(r.root) || (r.root === 'steps' && secret.has(r.member ?? '')) || (r.root === 'vars' && secret.has(`vars.${r.member}`))));
  for (const s of doc.steps) {
    for (const [k, v] of Object.entries(s.vars ?? {})) if (readsSecret(`\${{ ${v} }}`)) secret.add(`vars.${k}`);
  }
  return runbookSites(doc).filter((site) => GIVEN.test(site.path) && readsSecret(site.kind === 'expression' ? `\${{ ${site.text} }}` : site.text)).map((g) => g.path);
}
