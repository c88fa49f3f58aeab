// TZ is a file name to glibc whenever it is not a POSIX rule: a path (absolute, `:`-prefixed, or `..` under
// /usr/share/zoneinfo) makes `date` open and read the author's file (a probe of stop 66 reached /proc/kmsg through a
// step's env: map; one of stop 74 through `env TZ=FILE date`, which the lint read as the inert TZ). The value is
// now checked wherever TZ is set. Generated values (fixed seed): the lint's verdict on each setter against glibc's
// own reading: every script the lint proves runs `date` without opening the planted zone file (which names its
// zone PLANTED).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { rng } from '../helpers/rng.js';

const SETTERS: ((v: string) => string)[] = [
  (v) => `env TZ=${v} date +%Z`,
  (v) => `TZ=${v} date +%Z`,
  (v) => `env -- TZ=${v} date +%Z`,
  (v) => `timeout 5 env TZ=${v} date +%Z`,
  (v) => `export TZ=${v}; date +%Z`,
];

/** A zone file of its own path whose abbreviation no generated value names (a copy of Asia/Tokyo: JST), so
 *  `date +%Z` printing JST is glibc having opened the planted path. */
function plantedZone(dir: string): string {
  const file = join(dir, 'planted');
  copyFileSync('/usr/share/zoneinfo/Asia/Tokyo', file);
  return file;
}

function values(file: string, seed: number, n: number): string[] {
  const next = rng(seed);
  const rel = relative('/usr/share/zoneinfo', file);
  const paths = [file, `:${file}`, rel, `:${rel}`, `America/${relative('/usr/share/zoneinfo/America', file)}`];
  const zones = ['UTC', 'Europe/Paris', 'EST5EDT', 'UTC0', 'Etc/GMT+3', 'America/New_York'];
  return Array.from({ length: n }, () => {
    const pool = next() < 0.6 ? paths : zones;
    return pool[Math.floor(next() * pool.length)]!;
  });
}

test('TZ set to a path, by any setter, is not proven; what is proven never opens the path (glibc the oracle)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tz-setters-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = plantedZone(dir);
  let proven = 0, refused = 0;
  for (const v of values(file, 74, 60)) {
    for (const set of SETTERS) {
      const script = set(v);
      const finding = allowlistFindings(script);
      const ran = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
      const opened = ran.stdout.trim() === 'JST';
      if (finding === undefined) {
        proven++;
        assert.ok(!opened, `proven, yet glibc read the planted file: ${script}`);
      } else refused++;
    }
  }
  assert.ok(proven > 20 && refused > 20, `${proven} proven, ${refused} refused: the generator reaches both sides`);
});

test('a step\'s env: map: a literal TZ path is refused by validate; a ${{ }} value is checked when the step starts', () => {
  const step = (tz: string) => `name: t\ntitle: t\nsteps:\n  - id: look\n    shell: { run: "date +%Z", env: { TZ: "${tz}" } }\n  - { id: done, end: resolved, message: ok }\n`;
  const findings = (tz: string) => parseRunbook(step(tz), 't.yaml').diagnostics.map((d) => d.message).join('\n');
  assert.match(findings('/etc/localtime'), /'TZ' to something other than a time zone's name/);
  assert.equal(findings('Europe/Paris'), '');
  assert.equal(findings('${{ inputs.tz }}').includes("'TZ'"), false, 'checked when the step starts (tz-value.test.ts)');
});
