// The wrapper's handshake line (issue #19): taken out of the stream however the chunks cut it, text before it
// (a login shell's rc noise, even without its newline) passed on, found in output the executor already masked,
// and absent when the target ran something else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Handshake } from '../../src/executors/remote-handshake.js';

/** Feeds `text` in chunks of `size` characters; returns what was passed on and whether the handshake came. */
function feed(h: Handshake, text: string, size: number): string {
  let out = '';
  for (let i = 0; i < text.length; i += size) out += h.take(text.slice(i, i + size));
  return out + (h.seen ? '' : h.flush());
}

test('the handshake is taken out of the stream, whatever the chunk size; what came before and after is kept', () => {
  for (const size of [1, 2, 7, 1000]) {
    for (const before of ['', 'rc says hi\n', 'no newline from the rc ']) {
      const h = new Handshake();
      const out = feed(h, `${before}${h.line}\nline-1\nline-2\n`, size);
      assert.equal(h.seen, true, `size ${size}, before ${JSON.stringify(before)}`);
      assert.equal(out, `${before}line-1\nline-2\n`);
      assert.equal(h.strip(`${before}${h.line}\nline-1\n`), `${before}line-1\n`);
    }
  }
});

test('without the handshake everything is passed on, and the step did not start there', () => {
  const h = new Handshake();
  assert.equal(feed(h, 'forced-answer\nmore', 3), 'forced-answer\nmore');
  assert.equal(h.seen, false);
  assert.equal(h.strip('forced-answer\n'), 'forced-answer\n');
});

test('found in the raw stream it is given (the engine masks after it): a secret that is part of the line does not hide it', () => {
  const h = new Handshake();
  // What the step runner's masker would make of the line, were 'wrapper' a secret: never what Handshake reads.
  assert.notEqual(h.line.replaceAll('wrapper', '****'), h.line);
  const out = feed(h, `${h.line}\nok\n`, 4);
  assert.equal(h.seen, true);
  assert.equal(out, 'ok\n');
});

test('a later line that repeats the handshake is the script\'s own output', () => {
  const h = new Handshake();
  assert.equal(feed(h, `${h.line}\n${h.line}\n`, 5), `${h.line}\n`);
});
