// A probe of stop 73: a loop ran its destructive step at visit 1 (confirmed with y) and skipped it at visit 2 (its
// condition false by then); the record the live view leaves read "↷ skipped" and "no destructive action taken"
// while the file the step created existed and the transcript and the report had the run. The view kept one state
// per step, its last visit's. Checked here in a real terminal against the transcript: one row per visit that ran
// the destructive step (its step-started lines), with its result and who confirmed it, and the same in the report.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasTmux, Terminal } from './terminal.js';
import { cli } from '../helpers/cli.js';

interface Line { type: string; stepId?: string; attempt?: number; dryRun?: string; destructive?: boolean; answer?: string; by?: string; willRetry?: boolean; result?: { status: string } }

/** The visits that ran a destructive step, read from the transcript alone: each step-started (not a retry's) and
 *  the answer before it, with the visit's last step-finished. */
function ranVisits(lines: Line[]): { stepId: string; status: string; by?: string }[] {
  const out: { stepId: string; status: string; by?: string }[] = [];
  lines.forEach((l, i) => {
    if (l.type !== 'step-started' || !l.destructive || l.dryRun || l.attempt !== 1) return;
    const answer = lines.slice(0, i).reverse().find((a) => a.type === 'confirmation-answered' && a.stepId === l.stepId);
    const end = lines.slice(i).find((f) => f.type === 'step-finished' && f.stepId === l.stepId && !f.willRetry);
    out.push({ stepId: l.stepId!, status: end?.result?.status ?? 'aborted', ...(answer?.answer === 'yes' ? { by: answer.by } : {}) });
  });
  return out;
}

describe('the record of what was done, in tmux', { skip: !hasTmux && 'tmux not installed' }, () => {
  test('a loop that ran its destructive step, then skipped it: the record lists the run, never "no destructive action taken"', async () => {
    const t = new Terminal('fix-until-fixed.yaml', [], { cols: 80, rows: 24, transcript: true });
    try {
      await t.until(/CONFIRM +restart[\s\S]*y +run +s +skip/);
      t.keys('y');
      assert.equal(await t.exitCode(), 0);
      assert.ok(existsSync(t.file), 'the step ran: its file exists');
      const history = (await t.until(/^EXIT=0$/m), t.history());
      const lines = readFileSync(join(t.dir, 'incident.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
      const ran = ranVisits(lines);
      assert.equal(ran.length, 1, JSON.stringify(ran));
      assert.ok(lines.some((l) => l.type === 'step-skipped' && l.stepId === 'restart'), 'visit 2 was skipped');

      const record = history.slice(history.indexOf('destructive steps:')).split('\n');
      const rows = record.slice(1, record.findIndex((l) => /^transcript /.test(l))).filter((l) => l.trim());
      assert.deepEqual(rows.map((r) => r.replace(/ \d+(\.\d+)?m?s\b/, '')), ran.map((v) => `  ✓ visit 1: confirmed by ${v.by}, ${v.status} · restart`), history);
      assert.doesNotMatch(history, /no destructive action taken/);
      assert.match(history, /^↷ restart +shell! +skipped: condition false \(ran at visit 1\) +→ done$/m);
      assert.match(history, /→ restart → done +on skipped/);

      // The report reads the same transcript: the step's run and its answer are there too.
      const report = JSON.parse(cli(['report', join(t.dir, 'incident.jsonl'), '--format', 'json']).stdout) as { timeline: { stepId: string; status: string }[]; confirmations: { stepId: string; answer?: string }[] };
      assert.deepEqual(report.timeline.filter((r) => r.stepId === 'restart').map((r) => r.status), ['ok', 'skipped']);
      assert.deepEqual(report.confirmations.map((c) => [c.stepId, c.answer]), [['restart', 'yes']]);
    } finally { t.close(); }
  });
});
