// Editors (yaml-language-server) show a key's description on hover and in completions: every key of the
// published schemas must have one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { publishedSchema } from '../../src/language/json-schema.js';
import { publishedCasesSchema } from '../../src/testing/cases-schema.js';

type Node = { description?: unknown; properties?: Record<string, Node>; patternProperties?: Record<string, Node>; items?: Node; anyOf?: Node[]; oneOf?: Node[] };

/** Paths of properties (and values of free-form maps) that lack a description. */
function undescribed(node: Node, path = ''): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (typeof child.description !== 'string' || !child.description.trim()) out.push(`${path}/${key}`);
    out.push(...undescribed(child, `${path}/${key}`));
  }
  for (const child of Object.values(node.patternProperties ?? {})) {
    if (typeof child.description !== 'string' || !child.description.trim()) out.push(`${path}/<name>`);
    out.push(...undescribed(child, `${path}/<name>`));
  }
  if (node.items) out.push(...undescribed(node.items, `${path}[]`));
  for (const member of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) out.push(...undescribed(member, path));
  return [...new Set(out)];
}

test('every key of the runbook schema has a description', () => {
  assert.deepEqual(undescribed(publishedSchema() as Node), []);
});

test('every key of the cases file schema has a description', () => {
  assert.deepEqual(undescribed(publishedCasesSchema() as Node), []);
});

test('the walk finds a key without a description', () => {
  assert.deepEqual(undescribed({ properties: { a: { description: 'x', properties: { b: {} } } } }), ['/a/b']);
});
