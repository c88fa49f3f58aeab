// The evidence a gate shows beside its question: the step's own `evidence:` (validated: every id exists), else
// the steps whose captures its action reads; and the built-ins' gates all name theirs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook } from '../../src/language/runbook.js';
import { gateEvidence } from '../../src/engine/gate-evidence.js';
import { ROOT } from '../ui/helpers.js';

const BOOK = (evidence = '') => `
name: ev
title: Evidence
connections:
  db: { url: "postgres://u@localhost/d" }
steps:
  - id: latest-check
    sql: { query: "select 1" }
    capture: unrelated
  - id: find-blockers
    sql: { query: "select pid from pg_stat_activity" }
    capture: blockers
  - id: shell-look
    shell: "ps aux"
    capture: ps
  - id: terminate
    destructive: true${evidence}
    for_each: { in: blockers.rows, as: b }
    sql: { query: "select pg_terminate_backend($1)", params: ["\${{ b.pid }}"] }
    on: { skipped: done }
  - id: done
    end: resolved
`;

test('a gate acts on the captures its action reads, not on the latest result', () => {
  const { runbook, diagnostics } = parseRunbook(BOOK(), 'ev.yaml');
  assert.ok(runbook, diagnostics.map((d) => d.message).join('\n'));
  assert.deepEqual(gateEvidence(runbook.doc, runbook.doc.steps[3]!), ['find-blockers']);
});

test('evidence: names the steps, shell ones included; an unknown id is an error at its place', () => {
  const named = parseRunbook(BOOK('\n    evidence: [shell-look, find-blockers]'), 'ev.yaml');
  assert.ok(named.runbook);
  assert.deepEqual(gateEvidence(named.runbook.doc, named.runbook.doc.steps[3]!), ['shell-look', 'find-blockers']);
  const typo = parseRunbook(BOOK('\n    evidence: [find-blocker]'), 'ev.yaml');
  const d = typo.diagnostics.find((x) => x.code === 'unknown-step');
  assert.ok(d, JSON.stringify(typo.diagnostics));
  assert.match(d.message, /unknown step 'find-blocker' in evidence.*find-blockers/);
  assert.deepEqual([d.line, d.col], [18, 16]); // the id in the list
});

test('every destructive step of the built-in runbooks has evidence to show', () => {
  for (const name of ['auth', 'pool-exhausted', 'refused', 'timeout']) {
    const { runbook } = parseRunbook(readFileSync(join(ROOT, 'runbooks', `${name}.yaml`), 'utf8'), `${name}.yaml`);
    assert.ok(runbook, name);
    for (const s of runbook.doc.steps.filter((x) => x.destructive)) {
      assert.ok(gateEvidence(runbook.doc, s).length > 0, `${name}: ${s.id} names no evidence`);
    }
  }
});
