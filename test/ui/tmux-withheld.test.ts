// What a step given a secret printed is withheld on screen too, and shown only when the operator asks with `w`
// (issue #46, docs/secrets.md): at the gate that names it as evidence, tmux draws the notice (what it was given,
// how much it printed), not the text; `w` shows the text, `w` again hides it; the transcript never holds it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasTmux, Terminal } from './terminal.js';

/** What the step prints: made from the fixture's secret default in a form no masking by value knows. */
const PRINTED = createHash('sha1').update('Tr0ub4dor-and-3').digest('hex').slice(0, 16);

/** The gate's keys, drawn once it is armed. */
const ARMED = /y {2}run {4}s {2}skip/;

describe('withheld output in tmux', { skip: !hasTmux && 'tmux not installed' }, () => {
  test('the gate shows the notice; w shows what the step printed and hides it again; the record never has it', async () => {
    const t = new Terminal('withheld.yaml', [], { cols: 100, rows: 30, transcript: true });
    try {
      // Each time the gate is drawn (again) it takes keys only once armed, and shows its keys only then (use-armed.ts).
      await t.until(ARMED);
      const gate = await t.until(/withheld: given a secret \(env T\): its output/);
      assert.ok(!gate.includes(PRINTED), gate);
      assert.match(gate, /w show withheld/, 'the keys row offers w');
      t.keys('-l', 'w');
      const shown = await t.until(`seen ${PRINTED}`);
      assert.match(shown, /w hide withheld/);
      t.keys('-l', 'w');
      // The keys row says the UI took the second w (the notice line is drawn in both states, so it cannot tell),
      // and the gate, back from the view, is armed again: an s sent before it is dropped (CI under load: the run
      // then waited at the gate until the test gave up).
      await t.until(/w show withheld/);
      const hidden = await t.until(ARMED);
      assert.ok(!hidden.includes(PRINTED), 'hidden again');
      assert.match(hidden, /withheld: given a secret \(env T\)/);
      t.keys('-l', 's');
      assert.equal(await t.exitCode(), 0);
      const record = readFileSync(join(t.dir, 'incident.jsonl'), 'utf8');
      assert.ok(!record.includes(PRINTED) && !record.includes('Tr0ub4dor'), 'the transcript never holds it');
      assert.match(record, /"withheld":\{"because":\["env T"\]/);
    } finally {
      t.close();
    }
  });
});
