// LANGUAGE was reviewed as inert with any value: "it only picks a language". gettext reads each of its entries as
// part of a path under /usr/share/locale, and a probe of stop 73 had `LANGUAGE: ../../../../tmp/x` load its own
// catalogue in a proven read, whose translations replaced coreutils' printf formats (`%n` included). Now only a
// list of language names is inert. The oracle is gettext itself, through `ls`: for generated values (names, lists,
// climbs, absolute paths, dots), a value whose catalogue gettext loads is never one the lint calls inert.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inertSetting } from '../../src/language/shell-vars.js';
import { rng } from '../helpers/rng.js';

const hasMsgfmt = spawnSync('msgfmt', ['--version']).status === 0;

test('LANGUAGE: a value gettext follows to the author\'s catalogue is never inert (generated values, gettext the oracle)', { skip: hasMsgfmt ? false : 'needs msgfmt (gettext)' }, (t) => {
  const root = mkdtempSync(join(tmpdir(), 'rb-lang-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const catalogue = join(root, 'y', 'LC_MESSAGES');
  mkdirSync(catalogue, { recursive: true });
  writeFileSync(join(root, 'd.po'), 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "cannot access %s"\nmsgstr "TRANSLATED-BY-AUTHOR %s"\n');
  assert.equal(spawnSync('msgfmt', ['-o', join(catalogue, 'coreutils.mo'), join(root, 'd.po')]).status, 0);
  const climb = `../../../..${join(root, 'y')}`;
  const random = rng(7305);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const pieces = ['de', 'en_GB', 'fr', 'pt_BR@euro', climb, join(root, 'y'), `.${climb}`, `${climb}/`, 'x.y', '..', 'de/..', ''];
  const values = new Set<string>([climb, `de:${climb}`, 'de:en_GB', 'de']);
  while (values.size < 120) values.add(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(pieces)).join(':'));
  let loaded = 0;
  for (const value of values) {
    const r = spawnSync('ls', ['/nonexistent-rb-lang'], { encoding: 'utf8', env: { PATH: process.env.PATH, LC_ALL: 'C.UTF-8', LANGUAGE: value } });
    const followed = r.stderr.includes('TRANSLATED-BY-AUTHOR');
    if (followed) loaded++;
    if (followed) assert.equal(inertSetting('LANGUAGE', value), false, `LANGUAGE=${value} loads the author's catalogue and is called inert`);
  }
  assert.ok(loaded > 10, `the harness sees gettext follow a path (${loaded} values)`);
  // Names stay inert, and an empty LANGUAGE (unset) too.
  for (const v of ['de', 'de:en_GB', 'pt_BR@euro:fr', '']) assert.equal(inertSetting('LANGUAGE', v), true, v);
  assert.equal(inertSetting('LANGUAGE', undefined), false, 'a value the lint cannot see');
});
