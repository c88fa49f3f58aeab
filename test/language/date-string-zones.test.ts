// A date string's leading TZ="…" (gnulib's parse_datetime: date -d, find -newerXt) is TZ set for that date: a path
// there is a file glibc opens and reads as a zone (a probe of stop 75: `date -d 'TZ="/tmp/zone" now'` and
// `find . -newermt 'TZ="/proc/kmsg" 2020-01-01'` were proven reads, after stop 74 had checked TZ wherever else it
// is set). Generated (fixed seed): date strings with a planted zone file's path or a zone's name, in each place a
// reviewed program reads one; glibc the oracle: every command the lint proves never reads the planted file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';
import { rng } from '../helpers/rng.js';

/** Each prints something other than nothing only when the date was read in a zone east of UTC: the planted zone
 *  (a copy of Asia/Tokyo, UTC+9); every generated zone's name is UTC or west of it. */
const READERS: ((d: string) => string)[] = [
  (d) => `date -u -d '${d}' +%H`,
  (d) => `date -u --date='${d}' +%H`,
  (d) => `date -u --date '${d}' +%H`,
  (d) => `find F -newermt '${d}'`,
  (d) => `find F -newerat '${d}' -print`,
];
const WEST = ['UTC', 'EST5EDT', 'UTC0', 'Etc/GMT+3', 'America/New_York'];

test('a date string naming a zone file is not proven; what is proven never reads it (glibc the oracle)', { skip: !spawnSync('find', ['--version'], { encoding: 'utf8' }).stdout?.includes('GNU') && 'GNU find is not installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'date-zones-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const zone = join(dir, 'planted');
  copyFileSync('/usr/share/zoneinfo/Asia/Tokyo', zone);
  writeFileSync(join(dir, 'F'), '');
  const at = Date.UTC(2020, 0, 1) / 1000;
  utimesSync(join(dir, 'F'), at, at); // F is newer than 2020-01-01 00:00 only in a zone east of UTC
  const next = rng(75);
  const paths = [zone, `:${zone}`, relative('/usr/share/zoneinfo', zone), 'planted', './planted'];
  let proven = 0, refused = 0;
  for (let i = 0; i < 60; i++) {
    const z = next() < 0.6 ? paths[Math.floor(next() * paths.length)]! : WEST[Math.floor(next() * WEST.length)]!;
    const d = `${next() < 0.3 ? ' ' : ''}TZ="${z}" 2020-01-01 00:00`;
    for (const read of READERS) {
      const script = read(d);
      const ran = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC' } });
      const opened = script.startsWith('date') ? ran.stdout.trim() === '15' : ran.stdout.trim() === 'F';
      if (allowlistFindings(script) === undefined) {
        proven++;
        assert.ok(!opened, `proven, yet glibc read the planted zone: ${script}`);
      } else refused++;
    }
  }
  assert.ok(proven > 20 && refused > 20, `${proven} proven, ${refused} refused: both sides reached`);
  // The oracle is real: the planted zone is read when named.
  assert.equal(spawnSync('bash', ['-c', `date -u -d 'TZ="${zone}" 2020-01-01 00:00' +%H`], { encoding: 'utf8' }).stdout.trim(), '15');
});

test('date -f reads date strings the lint never sees', () => {
  assert.match(allowlistFindings('date -f dates.txt') ?? '', /not an option reviewed for date/);
  assert.match(allowlistFindings('date --file=dates.txt') ?? '', /not an option reviewed for date/);
  assert.equal(allowlistFindings("date -d '2020-01-01 00:00' +%s"), undefined);
  assert.equal(allowlistFindings("find . -newermt '2020-01-01' -print"), undefined);
});
