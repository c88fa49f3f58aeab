import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedOutput } from '../../src/executors/bounded-output.js';

describe('BoundedOutput', () => {
  it('keeps small output whole', () => {
    const out = new BoundedOutput(8, 8);
    out.push(Buffer.from('hello '));
    out.push(Buffer.from('world'));
    assert.equal(out.text(), 'hello world');
    assert.equal(out.bytes, 11);
  });

  it('keeps head and tail and names the elided byte count', () => {
    const out = new BoundedOutput(4, 4);
    for (const chunk of ['abcdef', 'ghijkl', 'mnopqr', 'stuvwxyz']) out.push(Buffer.from(chunk));
    assert.equal(out.bytes, 26);
    assert.equal(out.text(), 'abcd\n[… 18 bytes elided …]\nwxyz');
  });

  it('stays bounded however much is pushed', () => {
    const out = new BoundedOutput(1024, 1024);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 200; i++) out.push(chunk);
    assert.equal(out.bytes, 200 * 64 * 1024);
    assert.ok(out.text().length < 2048 + 64);
  });
});
