// `runbook validate --json` prints exactly one JSON document on stdout, whatever happens (issue 49): a clean
// runbook, one with errors, a missing path, a directory with no runbook, several paths at once. Each document is
// checked against docs/validate.schema.json by an independent validator (ajv, JSON Schema 2020-12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { cli, ROOT } from '../helpers/cli.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'validate.schema.json'), 'utf8')) as object;
const check = new Ajv2020.default({ strict: true, allErrors: true }).compile(schema);

test('validate --json: one document of the documented shape for every outcome, exit 0 or 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-vjson-'));
  try {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'name: good\ntitle: Good\nsteps:\n  - id: look\n    shell: echo hi\n    next: done\n  - { id: done, end: resolved }\n');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\ntitle: Bad\nsteps:\n  - id: look\n    shell: echo hi\n    next: Done\n  - { id: done, end: resolved }\n');
    mkdirSync(join(dir, 'empty'));
    const cases: [string[], number, { errors: number; codes: string[] }][] = [
      [[good], 0, { errors: 0, codes: [] }],
      [[bad], 2, { errors: 1, codes: ['schema'] }],
      [[join(dir, 'missing.yaml')], 2, { errors: 1, codes: ['no-such-path'] }],
      [['missing.yaml'], 2, { errors: 1, codes: ['no-such-path'] }],
      [[join(dir, 'empty')], 2, { errors: 1, codes: ['no-runbooks'] }],
      [[good, join(dir, 'missing.yaml'), bad], 2, { errors: 2, codes: ['no-such-path', 'schema'] }],
    ];
    for (const [paths, code, want] of cases) {
      const r = cli(['validate', '--json', ...paths], { cwd: dir });
      assert.equal(r.code, code, `${paths.join(' ')}: ${r.stdout}${r.stderr}`);
      const doc = JSON.parse(r.stdout) as { errors: number; diagnostics: { code: string }[] };
      assert.ok(check(doc), `${paths.join(' ')}: ${JSON.stringify(check.errors)}`);
      assert.equal(doc.errors, want.errors);
      assert.deepEqual(doc.diagnostics.map((d) => d.code), want.codes);
      assert.equal(r.stderr.includes('{'), false, 'nothing of the document on stderr');
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
