// The record key keys the prints of secret inputs a transcript holds (resume/record-key.ts). A probe of stop 74
// printed it with a proven read (`find … -path '*runbook/record.key' -exec od -An -tx1 -v '{}' ';'`), in a dry
// run's sandbox and a real run's shield alike, and brute-forced a 4-digit PIN from the transcript's print with it.
// Both now put /dev/null over the key: each spelling of a read of it reads nothing, and no transcript holds it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { recordKeyFile } from '../../src/common/record-key-file.js';
import { recordKey } from '../../src/resume/record-key.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

const reads = (key: string): string[] => [
  `od -An -tx1 -v ${key}`,
  `find ${dirname(dirname(dirname(key)))} -maxdepth 4 -path '*runbook/record.key' -exec od -An -tx1 -v '{}' ';'`,
  `cat ${join(dirname(key), '.', 'record.key')}`,
  `xxd -p ${key}`,
];

test('no step reads the record key: dry runs (the sandbox) and, as root, real runs (the shield)', async (t) => {
  recordKey(); // made on first use, as a run makes it before any step
  const key = recordKeyFile();
  const bytes = readFileSync(key);
  const hex = bytes.toString('hex');
  const spaced = [...bytes].map((b) => b.toString(16).padStart(2, '0')).slice(0, 8).join(' ');
  const dir = scratch(t);
  for (const [i, read] of reads(key).entries()) {
    const file = writeRunbook(dir, `key-${i}`, `name: key\ntitle: key\nsteps:\n  - id: read\n    shell: "${read.replace(/"/g, '\\"')}"\n  - { id: done, end: resolved, message: read }\n`);
    const validated = await cli(['validate', file]);
    assert.match(validated.stdout, /0 errors/, validated.stdout + validated.stderr);
    for (const mode of process.getuid?.() === 0 ? [['--dry-run'], []] : [['--dry-run']]) {
      const transcript = join(dir, `t${i}-${mode.length}.jsonl`);
      const r = await cli(['run', file, '--plain', ...mode, '--transcript', transcript]);
      // The step ran (in the sandbox or the shield) and read nothing of the key: /dev/null, or a refused open.
      assert.match(r.stdout, /start +read \[shell\]/, `${read}: ${r.stdout}${r.stderr}`);
      const seen = `${r.stdout}\n${r.stderr}\n${readFileSync(transcript, 'utf8')}`;
      assert.ok(!seen.includes(hex) && !seen.includes(spaced) && !seen.includes(hex.slice(0, 16)), `${mode.join(' ') || 'real run'}, ${read}: the key was read`);
    }
  }
});
