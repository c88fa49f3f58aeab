// docs/editor.md's `yaml.schemas` must give each file the right schema and only that one. The matching is
// yaml-language-server's (FilePatternAssociation): every `*` becomes `.*` (it crosses `/`), and the pattern
// must match the end of the file's whole path. A file two mappings match is checked against both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const yamlLsGlob = (pattern: string) =>
  new RegExp(`${pattern.replace(/[-\\{}+?|^$.,[\]()#\s]/g, '\\$&').replace(/\*/g, '.*')}$`);

test('editor.md maps no runbook schema onto cases files, and the cases schema onto every cases file', () => {
  const md = readFileSync(join(ROOT, 'docs', 'editor.md'), 'utf8');
  const blocks = [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!.replace(/^ {3}/gm, '')) as { 'yaml.schemas'?: Record<string, string[]> });
  const mappings = blocks.flatMap((b) => Object.entries(b['yaml.schemas'] ?? {}));
  assert.ok(mappings.length > 0, 'editor.md shows a yaml.schemas setting');
  const schemasFor = (file: string) => mappings.filter(([, globs]) => globs.some((g) => yamlLsGlob(g).test(`file:///home/me/project/${file}`))).map(([s]) => s);
  for (const file of ['runbooks/auth.cases.yaml', 'runbooks/examples/pg-disk-full.cases.yaml', 'runbooks/my-db.cases.yaml']) {
    const schemas = schemasFor(file);
    assert.equal(schemas.length, 1, `${file}: ${schemas.join(', ')}`);
    assert.match(schemas[0]!, /runbook-cases\.schema\.json$/);
  }
  for (const file of ['runbooks/auth.yaml', 'runbooks/examples/hello.yaml', 'runbooks/my-db.yaml']) {
    assert.ok(schemasFor(file).every((s) => !/cases/.test(s)), `${file} gets the cases schema`);
  }
});
