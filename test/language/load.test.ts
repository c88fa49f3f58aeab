import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadText, loadBytes } from '../../src/language/load.js';

test('maps every value and key to its line and column', () => {
  const text = 'name: x\nsteps:\n  - id: a\n    shell: "echo hi"\n  - { id: b, end: resolved }\n';
  const doc = loadText(text, 'f.yaml');
  assert.deepEqual(doc.diagnostics, []);
  assert.deepEqual(doc.map.value('/name'), { line: 1, col: 7 });
  assert.deepEqual(doc.map.value('/steps/0/shell'), { line: 4, col: 12 });
  assert.deepEqual(doc.map.key('/steps/0/shell'), { line: 4, col: 5 });
  assert.deepEqual(doc.map.value('/steps/1/end'), { line: 5, col: 19 });
  assert.deepEqual(doc.map.value('/steps/0/shell'), { line: 4, col: 12 }, 'a value starts at its quote');
  // A path that does not exist falls back to its nearest ancestor.
  assert.deepEqual(doc.map.value('/steps/1/missing'), doc.map.value('/steps/1'));
});

test('anchors and aliases load; their positions are those of the alias', () => {
  const doc = loadText('base: &b { timeout: 5s }\nsteps:\n  - *b\n', 'f.yaml');
  assert.deepEqual(doc.diagnostics, []);
  assert.deepEqual((doc.value as { steps: unknown[] }).steps[0], { timeout: '5s' });
  assert.deepEqual(doc.map.value('/steps/0'), { line: 3, col: 6 });
});

test('keys containing slashes and tildes are escaped in paths', () => {
  const doc = loadText('a/b: 1\n"c~d": 2\n', 'f.yaml');
  assert.deepEqual(doc.map.key('/a~1b'), { line: 1, col: 1 });
  assert.deepEqual(doc.map.key('/c~0d'), { line: 2, col: 1 });
});

test('bad input becomes one diagnostic, never an exception', () => {
  const cases: [Buffer | string, string][] = [
    ['', 'empty'], ['   \n\n', 'empty'], [Buffer.from([0xff, 0xfe, 0x00, 0x41]), 'binary'],
    [Buffer.from([0xc3, 0x28, 0x0a]), 'encoding'], ['a: [1, 2\n', 'yaml'], ['a: 1\na: 2\n', 'duplicate-key'],
    ['a: 1\n---\nb: 2\n', 'multiple-documents'], ['x: ' + '['.repeat(200) + ']'.repeat(200), 'yaml'],
  ];
  for (const [input, code] of cases) {
    const doc = typeof input === 'string' ? loadText(input, 'f.yaml') : loadBytes(input, 'f.yaml');
    assert.equal(doc.diagnostics.length, 1, `${JSON.stringify(input.toString().slice(0, 20))}`);
    assert.equal(doc.diagnostics[0]!.code, code);
  }
});

test('a byte-order mark is ignored', () => {
  const doc = loadBytes(Buffer.from('\uFEFFname: x\n'), 'f.yaml');
  assert.deepEqual(doc.diagnostics, []);
  assert.deepEqual(doc.value, { name: 'x' });
});

test('a key indented deeper than the one above is diagnosed as indentation, at that key', () => {
  for (const [text, line, col, above] of [
    ['name: t\nsteps:\n  - id: a\n    shell: echo hi\n     timeout: 5s\n', 5, 6, "'shell' on line 4"],
    ['name: t\nsteps:\n  - id: a\n    shell: echo hi\n\n    # note\n      timeout: 5s\n', 7, 7, "'shell' on line 4"],
    ['name: t\nsteps:\n  - id: a\n     shell: echo hi\n', 4, 6, "'id' on line 3"],
  ] as const) {
    const [d] = loadText(text, 'f.yaml').diagnostics;
    assert.deepEqual([d!.line, d!.col], [line, col], text);
    assert.match(d!.message, new RegExp(`is indented deeper than ${above}.*line the keys up`), text);
  }
});

test("an unquoted ': ' inside a value is diagnosed as such, with the quoted form", () => {
  for (const [text, line, col, fix] of [
    ['name: t\nsteps:\n  - id: a\n    title: Check: disk\n', 4, 12, 'title: "Check: disk"'],
    ['name: t\nsteps:\n  - id: a\n    shell: echo "a" b: c\n', 4, 12, 'shell: "echo \\"a\\" b: c"'],
    ['title: Disk: full\n', 1, 8, 'title: "Disk: full"'],
  ] as const) {
    const [d] = loadText(text, 'f.yaml').diagnostics;
    assert.deepEqual([d!.line, d!.col], [line, col], text);
    assert.ok(d!.message.includes(`contains ': '`) && d!.message.includes(fix), `${text}: ${d!.message}`);
  }
});
