// The gate shows the command that runs, all of it (issues #28, #30): every value wrapped to the width, never cut
// without a count; runs of whitespace, tabs and odd spaces visible; the box's border intact whatever the text;
// hidden items and lines counted exactly; "too short" names the terminal height that shows the keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfirmationRequested } from '../../src/engine/events.js';
import { gatePart } from '../../src/ui/frame/gate.js';
import { confirmationPage } from '../../src/ui/frame/pages.js';
import { rowWidth, type Row } from '../../src/ui/frame/row.js';

const text = (rows: Row[]) => rows.map((r) => r.map((s) => s.text).join(''));
/** What the rows say, joined: the box and labels gone, wrapped lines put back together (the · a command's row
 *  ends with is the space it broke at). */
const said = (rows: Row[]) => text(rows).map((l) => l.replace(/^[│║] /, '').replace(/ *[│║]$/, '').replace(/^ {10}(↪ )?/, '').replace(/^(will run|on|env|why|affects|for each|in dir) +/, '').replace(/·$/, '')).join(' ').replace(/\s+/g, ' ');
const compact = (s: string) => s.replace(/\s+/g, '');

// The flagship's terminate SQL (runbooks/pool-exhausted.yaml, terminate-idle-pg) as the engine shows it.
const FLAGSHIP: ConfirmationRequested = {
  type: 'confirmation-requested', stepId: 'terminate-idle-pg', title: 'Terminate sessions idle for over 10 min', risk: 'normal', resumed: false,
  command: 'SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE pid = $1 AND backend_start = $2::timestamptz\n-- params: ["4711","2026-11-23T23:12:45.123456+00:00"]\n-- for each of the 4 items below (shown for item 1)',
  target: 'postgresql://runbook_admin:****@db-primary.eu-west-1.internal.example.com:5432/orders_production', connection: 'db', timeout: '60s (default)',
  description: 'Frees the slots now. Pools that notice reconnect (with pool_pre_ping), so this buys time.',
  blastRadius: 'terminates the 4 idle sessions listed', question: 'Terminate these 4 sessions idle for over 10 min?',
  items: Array.from({ length: 4 }, (_, i) => ({ label: `pid ${4711 + i} app@10.0.0.${i + 1} (web), idle ${700 + i}s`, detail: `params: ["${4711 + i}", "2026-11-23T23:12:45.123456+00:00"]` })),
};

for (const width of [60, 80, 132]) {
  test(`${width} columns: the flagship's whole SQL and the whole target are on the gate, and in c`, () => {
    const part = gatePart({ gate: FLAGSHIP, width, keys: 'live', active: true });
    const rows = part.rows(part.need.want);
    for (const r of text(rows)) assert.equal(rowWidth([{ text: r }]), width, `a row of another width:\n${r}`);
    const all = compact(said(rows));
    for (const piece of ['WHEREpid=$1ANDbackend_start=$2::timestamptz', 'db-primary.eu-west-1.internal.example.com:5432/orders_production(connectiondb)', '2026-11-23T23:12:45.123456+00:00']) {
      assert.ok(all.includes(piece), `${piece} is not on the gate:\n${text(rows).join('\n')}`);
    }
    assert.doesNotMatch(text(rows).join('\n'), /…/, 'nothing is cut');
    const page = compact(said(confirmationPage(FLAGSHIP, width).lines));
    assert.ok(page.includes('WHEREpid=$1ANDbackend_start=$2::timestamptz') && page.includes('/orders_production'), page);
  });
}

test('80x24: at the rows the frame gives the gate, the flagship SQL is readable to its end', () => {
  const part = gatePart({ gate: FLAGSHIP, width: 80, keys: 'live', active: true });
  // 24 rows: the frame leaves one free, the header takes two, a step row, a gap and the keys row one each.
  const rows = text(part.rows(18));
  assert.match(compact(rows.join(' ').replace(/[│↪·]/g, '')), /WHEREpid=\$1ANDbackend_start=\$2::timestamptz/);
});

test('a command padded with 300 spaces shows the run and what follows it, at every height the keys show', () => {
  const gate: ConfirmationRequested = { type: 'confirmation-requested', stepId: 'report', title: 'Cache report', risk: 'normal', resumed: false,
    command: `echo cache report${' '.repeat(300)}; rm -rf /srv/data`, question: 'Run it?' };
  const part = gatePart({ gate, width: 80, keys: 'live', active: true });
  for (let n = part.need.min; n <= part.need.want; n++) {
    const shown = text(part.rows(n)).join('\n');
    assert.match(shown, /echo cache report ·×300 ; rm -rf \/srv\/data/, `at ${n} rows:\n${shown}`);
  }
});

test('tabs, newlines and odd spaces in the script, why, affects and question never break the border', () => {
  const gate: ConfirmationRequested = { type: 'confirmation-requested', stepId: 'tabs', title: 'Tabs\there', risk: 'high', resumed: false,
    command: 'printf "a\\tb"\n\tsudo\t\t\t\t\tsystemctl restart db\u00a0\u00a0now', description: 'why\twith\ttabs', blastRadius: 'a\u2003b', question: 'Go\t?' };
  for (const width of [60, 80, 132]) {
    const part = gatePart({ gate, width, keys: 'live', active: true, typed: { value: 'ta\tbs', error: '' } });
    const rows = text(part.rows(part.need.want));
    for (const r of rows) {
      assert.doesNotMatch(r, /[\t\n\r]/, 'a raw control character reaches the terminal');
      assert.equal(rowWidth([{ text: r }]), width, r);
      assert.match(r, /^[╔║╚].*[╗║╝]$/, r);
    }
    const all = rows.join('\n');
    assert.match(all, /⇥×5systemctl/);
    assert.match(all, /‹U\+00A0›×2now/, "command text: named exactly (visible-text.ts exactLine)");
    assert.match(all, /a<U\+2003>b/);
  }
});

test('hidden items are counted as items, hidden lines as lines', () => {
  const gate: ConfirmationRequested = { ...FLAGSHIP, items: Array.from({ length: 12 }, (_, i) => ({ label: `pid ${i + 1}`, detail: 'x' })) };
  const part = gatePart({ gate, width: 80, keys: 'live', active: true });
  for (let n = part.need.min; n < part.need.want; n++) {
    const rows = text(part.rows(n));
    const more = rows.map((r) => /… (\d+) more items? not shown/.exec(r)).find(Boolean);
    if (!more) continue;
    const shown = rows.filter((r) => /^[│║] {11}\s*\d+\. pid|^[│║] for each\s+\d+\. pid/.test(r)).length;
    assert.equal(Number(more[1]) + shown, 12, `at ${n} rows: ${more[0]} with ${shown} shown:\n${rows.join('\n')}`);
  }
  const long: ConfirmationRequested = { ...FLAGSHIP, command: Array.from({ length: 30 }, (_, i) => `echo ${i + 1}`).join('\n') };
  const p2 = gatePart({ gate: long, width: 80, keys: 'live', active: true });
  const rows = text(p2.rows(p2.need.min));
  const shownLines = rows.filter((r) => /echo \d+/.test(r)).length;
  const hidden = Number(/… (\d+) more lines/.exec(rows.join('\n'))![1]);
  assert.equal(shownLines + hidden, 30);
});

test('"too short" names the terminal height at which the keys show', () => {
  const part = gatePart({ gate: FLAGSHIP, width: 80, keys: 'live', active: true, frameRows: 6 });
  const min = part.need.min;
  assert.equal(part.keysShown(min), true);
  assert.equal(part.keysShown(min - 1), false);
  const msg = text(part.rows(min - 1)).join(' ');
  assert.match(msg, new RegExp(`it needs ${min + 6} rows`));
});

// Two commands that differ by one space must not draw alike (a probe in tmux: a row cut at a space, whose space was
// not drawn, matched a row cut before an escape; and a line's trailing space was invisible, while after a
// backslash it makes the next line a command of its own). Generated: each pair differs by a space at a wrap point
// or at a line's end, at several widths.
test('a command and the same command with one space more or less never draw the same rows', () => {
  const drawn = (command: string, width: number) => {
    const part = gatePart({ gate: { ...FLAGSHIP, items: undefined, command }, width, keys: 'live', active: true });
    return text(part.rows(part.need.want)).join('\n');
  };
  let pairs = 0;
  for (const width of [40, 60, 80]) {
    for (let n = 20; n < width; n++) {
      const stem = `rm -rf ./${'p'.repeat(n)}`;
      for (const [a, b] of [[`${stem}x\u00e9-old`, `${stem}x \u00e9-old`], [`${stem} x`, `${stem}x`], ['echo keep \\\nrm -rf ./v', 'echo keep \\ \nrm -rf ./v'], [`echo ${stem} \necho b`, `echo ${stem}\necho b`]]) {
        assert.notEqual(drawn(a!, width), drawn(b!, width), `${JSON.stringify(a)} and ${JSON.stringify(b)} at ${width}`);
        pairs++;
      }
    }
  }
  assert.ok(pairs > 300, `${pairs}`);
});

// A probe of stop 71: a question templated from a capture (`confirm: "Pool status: ${{ look.stdout }}"`) drew its
// lines at the box's left edge, where only the engine's labels stand: a `will run    echo pool-check` and a
// `timeout …` row under the real ones, and y ran the real step. The question is now in the value column, on the
// gate and in c; the left columns hold the engine's labels only. Generated captured text, fixed seed.
test('a captured question draws nothing at the left edge: the engine\'s labels stand there alone (generated)', async () => {
  const { rng } = await import('../helpers/rng.js');
  const random = rng(7153);
  const forged = ['will run    echo pool-check', 'on          this machine (vm)', 'timeout   60s (default)', 'Run the pool check?', '', 'affects     nothing'];
  for (let n = 0; n < 200; n++) {
    const width = 50 + Math.floor(random() * 90);
    const lines = Array.from({ length: 1 + Math.floor(random() * 6) }, () => forged[Math.floor(random() * forged.length)]!);
    const question = `Pool status: ok${'\n'.repeat(1 + Math.floor(random() * 2))}${lines.join('\n')}${' '.repeat(Math.floor(random() * 80))}`;
    const gate = { ...FLAGSHIP, question, items: undefined } as ConfirmationRequested;
    const part = gatePart({ gate, width, keys: 'live', active: true });
    const screens = { gate: text(part.rows(part.need.want)), c: text(confirmationPage(gate, width - 4).lines) };
    for (const [where, rows] of Object.entries(screens)) {
      const left = rows.map((l) => l.replace(/^[│║] /, '')).filter((l) => /^(will run|on|timeout|affects) /.test(l));
      assert.deepEqual(left.map((l) => l.split(/\s+/)[0]), ['will', 'on', 'timeout', 'affects'], `${where} at ${width}:\n${rows.join('\n')}`);
    }
  }
});
