// A run is named by 4 characters of its id when they are unique (docs/team.md: `follow 6f1c`); a prefix that
// names several runs is refused with the list of them, and fewer than 4 characters name nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findRun, MIN_PREFIX } from '../../src/store/follow.js';
import { rejection, startStoreLab, type StoreLab } from './helpers.js';

let lab: StoreLab | undefined;
const IDS = ['6f1c2a9e-0001', '7a00b1c2-0002', '7a00b1c2-0003'];

before(async () => {
  lab = await startStoreLab();
  const alice = await lab.as('alice');
  try {
    for (const id of IDS) await alice.query(`SELECT runbook.begin_run($1, 'demo', 'abc', 'laptop')`, [id]);
  } finally { await alice.end(); }
});
after(async () => { await lab?.stop(); });

test('every unique prefix of 4 or more characters names its run; the whole id always does', async () => {
  const bob = await lab!.as('bob');
  try {
    assert.equal(MIN_PREFIX, 4);
    for (let n = MIN_PREFIX; n <= IDS[0]!.length; n++) assert.equal(await findRun(bob, IDS[0]!.slice(0, n)), IDS[0]);
    for (const id of IDS) assert.equal(await findRun(bob, id), id);
  } finally { await bob.end(); }
});

test('an ambiguous prefix lists the runs it matches; a too-short or unknown one is a one-line refusal', async () => {
  const bob = await lab!.as('bob');
  try {
    const ambiguous = (await rejection(findRun(bob, '7a00'))).message;
    assert.equal(ambiguous, '7a00 names more than one run: 7a00b1c2-0002 (demo), 7a00b1c2-0003 (demo); give more of its id');
    assert.match((await rejection(findRun(bob, '6f1'))).message, /^no run 6f1 in the store \(give at least 4 characters of its id\)/);
    assert.match((await rejection(findRun(bob, 'ffff'))).message, /^no run ffff in the store \(see `runbook runs`\)$/);
  } finally { await bob.end(); }
});
