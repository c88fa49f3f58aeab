// The built-in runbooks validate cleanly and share the conventions the CLI relies on.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readRunbook } from '../../src/language/runbook.js';
import { runCli } from './helpers.js';

const DIR = join(import.meta.dirname, '..', '..', 'runbooks');
const BUILT_INS = ['auth', 'pool-exhausted', 'pooler-config', 'read-only', 'refused', 'session-dropped', 'ssl', 'timeout'];
/** Called by the scenarios (and diagnose) for the database host's evidence: reads only, never resolves. */
const HELPERS = ['db-host'];

describe('built-in runbooks', () => {
  it('are the scenarios and the host checks they call', () => {
    assert.deepEqual(readdirSync(DIR).filter((f) => f.endsWith('.yaml') && !f.endsWith('.cases.yaml')).map((f) => f.replace('.yaml', '')).sort(), [...BUILT_INS, ...HELPERS].sort());
  });

  it('`runbook validate runbooks/` exits 0 with no warnings', async () => {
    const r = await runCli(['validate', 'runbooks/']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /9 runbooks checked: 0 errors, 0 warnings/);
  });

  it('db-host only reads, and never claims to have resolved anything', () => {
    const { runbook, diagnostics } = readRunbook(join(DIR, 'db-host.yaml'));
    assert.ok(runbook, JSON.stringify(diagnostics));
    for (const step of runbook.doc.steps) {
      assert.notEqual(step.destructive, true, step.id);
      // Vouched only where its script is outside the proven subset (docs/confirmation.md lists them); the
      // allowlist still reads every command of it (an rm there could not be vouched for).
      if (step.safe_because !== undefined) assert.match(step.safe_because, /^reads .*; writes nothing$/, `${step.id}: a vouched step says what it reads`);
      if (step.end) assert.equal(step.end, 'escalate', step.id);
      else assert.ok(step.description?.trim() || step.vars, `${step.id} has no description`);
    }
  });

  for (const name of BUILT_INS) {
    it(`${name}: url from DATABASE_URL, secret; every step explains itself; ends say what was found`, () => {
      const { runbook, diagnostics } = readRunbook(join(DIR, `${name}.yaml`));
      assert.ok(runbook, JSON.stringify(diagnostics));
      const { doc } = runbook;
      assert.equal(doc.name, name);
      assert.deepEqual([doc.inputs?.url?.env, doc.inputs?.url?.secret, doc.inputs?.url?.required], ['DATABASE_URL', true, true]);
      for (const step of doc.steps) {
        if (step.end) {
          assert.ok(['resolved', 'escalate'].includes(step.end), `${step.id} ends ${step.end}`);
          assert.ok(step.message?.trim(), `${step.id} has no message`);
        } else {
          assert.ok(step.description?.trim(), `${step.id} has no description`);
          assert.ok(step.title?.trim(), `${step.id} has no title`);
        }
        if (step.destructive) assert.ok(step.confirm && step.blast_radius, `${step.id}: destructive without confirm/blast_radius`);
      }
      assert.ok(doc.steps.some((s) => s.end === 'resolved') && doc.steps.some((s) => s.end === 'escalate'));
    });
  }

  it('SQL steps have a query for both engines unless the step is engine-specific', () => {
    for (const name of BUILT_INS) {
      const { runbook } = readRunbook(join(DIR, `${name}.yaml`));
      for (const step of runbook!.doc.steps) {
        const q = step.sql?.query ?? step.wait?.sql?.query;
        if (!q || typeof q === 'string') continue;
        const engineSpecific = /matches '\^postgres'|engine\('\w+'\) == '(postgres|mysql)'/.test(step.if ?? '') || step.id.endsWith('-mysql') || step.id.endsWith('-pg')
          || /pg_hba|reload-hba|raise-max|kill-next|next-/.test(step.id);
        if (!engineSpecific) assert.ok(q.postgres && q.mysql, `${name}/${step.id} lacks an engine`);
      }
    }
  });
});
