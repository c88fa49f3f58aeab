// A gate's env: values and directory are one value each (a probe of stop 72): the live gate joined the env values
// with line breaks and split them again, so one variable `LABEL="x\nDRY_RUN=1"` drew exactly as two, LABEL=x and
// DRY_RUN=1, and y ran a step the gate showed set to DRY_RUN=1 without it (it deleted the file). A line break in a
// value is now a character drawn named (‹U+000A›), on the gate and in its c view; two variables stay two rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfirmationRequested } from '../../src/engine/events.js';
import { gatePart } from '../../src/ui/frame/gate.js';
import { confirmationPage } from '../../src/ui/frame/pages.js';
import type { Row } from '../../src/ui/frame/row.js';

const text = (rows: Row[]) => rows.map((r) => r.map((s) => s.text).join('')).join('\n');
const gate = (env: Record<string, string>, cwd?: string): ConfirmationRequested => ({
  type: 'confirmation-requested', stepId: 'cleanup', title: 'Clean up', risk: 'normal', resumed: false,
  command: 'if [ "$DRY_RUN" = 1 ]; then echo would delete; else rm -f victim; fi', question: 'Run?', timeout: '60s (default)',
  env, ...(cwd !== undefined ? { cwd } : {}),
});
const drawn = (g: ConfirmationRequested, width: number) => {
  const part = gatePart({ gate: g, width, keys: 'live', active: true });
  return [text(part.rows(part.need.want)), text(confirmationPage(g, width).lines)];
};

/** Line breaks of every kind a value may hold, in generated places. */
const BREAKS = ['\n', '\r\n', '\r', '\u2028', '\u2029', '\u0085', '\v', '\f'];

for (const width of [60, 100]) {
  test(`${width} columns: a value with a line break is not drawn as two variables, nor a directory as two rows`, () => {
    for (const br of BREAKS) {
      const one = drawn(gate({ LABEL: `x${br}DRY_RUN=1` }), width);
      const two = drawn(gate({ LABEL: 'x', DRY_RUN: '1' }), width);
      for (const k of [0, 1]) {
        assert.notEqual(one[k], two[k], `${JSON.stringify(br)}: one variable drawn as two\n${one[k]}`);
        assert.ok(!/^\W*(env)?\s*DRY_RUN=1/m.test(one[k]!.replace(/^[│║] /gm, '')), `${JSON.stringify(br)}: a row of its own\n${one[k]}`);
        assert.match(two[k]!, /DRY_RUN=1/);
      }
      for (const k of [0, 1]) {
        const dir = drawn(gate({}, `/srv/a${br}/srv/b`), width)[k]!;
        assert.ok(!/^[│║]?\s*\/srv\/b/m.test(dir), `${JSON.stringify(br)}: the directory broke into rows\n${dir}`);
      }
    }
  });
}
