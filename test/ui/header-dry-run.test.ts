// A probe of stop 71: the header put DRY RUN after the title, cut at the right, so a long title cut it off (a dry
// run read as real), and a title ending in `(name)  DRY RUN` and spaces pushed the real name off (a real run read
// as dry). DRY RUN is now in the state the title gives way to, drawn inverse, which no title draws. Generated
// titles and widths, fixed seed: a dry run's header always holds the inverse mark, a real run's never.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerRows } from '../../src/ui/frame/header.js';
import { initialViewModel } from '../../src/ui/view-model.js';
import { rng } from '../helpers/rng.js';

test('DRY RUN is the engine\'s mark in the header, whatever the title (generated)', () => {
  const random = rng(7155);
  const pieces = ['Drain the connection pool', '(pool-drain)', '  DRY RUN', ' '.repeat(40), 'after the pgbouncer restart on the primary host', '…'];
  for (let n = 0; n < 400; n++) {
    const title = Array.from({ length: 1 + Math.floor(random() * 5) }, () => pieces[Math.floor(random() * pieces.length)]).join(' ');
    const width = 30 + Math.floor(random() * 120);
    for (const dryRun of [true, false]) {
      const vm = { ...initialViewModel(), title, name: 'pool-drain', dryRun, startedAt: 0 };
      const [row] = headerRows({ vm, now: 3000, width, waitingSince: random() < 0.3 ? 1000 : undefined });
      const marks = row!.filter((s) => s.inverse && s.text.includes('DRY RUN'));
      assert.equal(marks.length, dryRun ? 1 : 0, `${dryRun ? 'dry' : 'real'} at ${width}: ${JSON.stringify(row!.map((s) => s.text).join(''))}`);
      assert.ok(row!.map((s) => s.text).join('').length <= width + 2);
    }
  }
});
