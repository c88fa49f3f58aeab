// The stream masker shows output as it comes and never a secret (issues #15, #17): it holds back only the tail
// that more of the stream could make (part of) a masked form of a secret, releases a line that can be no part
// of one at once, releases a held tail when the stream goes quiet, and still masks a secret however the stream
// is cut into chunks — raw, in base64 wrapped over lines, in hex dumps. Encodings as tools print them:
// encodings.test.ts; through a real step, while it runs: live-output.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Redactor } from '../../src/secrets/redactor.js';
import { QUIET_MS, StreamMasker } from '../../src/secrets/stream-masker.js';
import { windowLength } from '../../src/secrets/script-forms.js';
import { until } from '../helpers/poll.js';

const SECRET = 'hunter2-Secret9';
const LONG = 'Tok_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRST';

function redactor(...secrets: string[]): Redactor {
  const r = new Redactor();
  for (const s of secrets) r.addValue(s);
  return r;
}

function bash(script: string, secret: string): string {
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, S: secret } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The stream cut into chunks at `cuts`, through one masker, with what flush() gives at the end. */
function streamed(r: Redactor, text: string, cuts: number[]): string {
  const m = new StreamMasker(r);
  let out = '', at = 0;
  for (const c of [...cuts, text.length]) { out += m.push(text.slice(at, c)); at = c; }
  return out + m.flush();
}

/** Whether `text` holds a run of windowLength characters of `secret`: masked on its own. */
function holdsWindow(text: string, secret: string): boolean {
  const w = windowLength(secret.length);
  for (let i = 0; i + w <= secret.length; i++) if (text.includes(secret.slice(i, i + w))) return true;
  return false;
}

/** Masks side by side (a secret masked in two pushes) read as one. */
const oneMask = (s: string) => s.replace(/(\*\*\*\*)+/g, '****');

/** Every 8-character piece of the secret, as text and as hex digits, found in the output, its whitespace taken
 *  out, its hex digits joined, or its base64 decoded again. */
function leaks(out: string, secret: string): string[] {
  const hex = Buffer.from(secret).toString('hex');
  const pieces: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) pieces.push(secret.slice(i, i + 8));
  for (let i = 0; i + 16 <= hex.length; i += 2) pieces.push(hex.slice(i, i + 16));
  const digits = out.replace(/^[0-9a-f]{6,8}:? ?/gim, '').replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  const b64 = out.replace(/\s+/g, '');
  const decoded = [0, 1, 2, 3].map((i) => Buffer.from(b64.slice(i), 'base64').toString('latin1'));
  const texts = [out, b64, digits, ...decoded];
  return pieces.filter((p) => texts.some((t) => t.includes(p) || t.includes(p.toLowerCase())));
}

describe('the stream masker', () => {
  it('releases at once a line, or a line still arriving, that can be no part of a secret', () => {
    const r = redactor(SECRET, LONG, 'postgres://app:Pw-of-the-app@db:5432/app', 'k9x');
    const m = new StreamMasker(r);
    for (const text of ['line-1\n', 'x\n', `${'0'.repeat(100)}\n`, 'progress 45%', ' done\n', 'an id 550e8400e29b41d4a716446655440000\n',
      '00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................\n', 'hunt for it\n', 'k9xy\n', '[… 20 bytes elided …]\n']) {
      assert.equal(m.push(text), text, JSON.stringify(text));
      assert.equal(m.held, '', JSON.stringify(text));
    }
    assert.equal(m.flush(), '');
  });

  it('holds a tail that is the start of a secret, or of one of its forms, until more of it disproves or completes it', () => {
    const odd = 'p@ss w/rd"x';
    const r = redactor(SECRET, odd);
    const forms = [SECRET, encodeURIComponent(odd), JSON.stringify(odd).slice(1, -1), Buffer.from(SECRET).toString('hex'), Buffer.from(SECRET).toString('base64')];
    for (const form of forms) {
      for (let n = 1; n < form.length; n++) {
        const m = new StreamMasker(r);
        assert.equal(m.push(`value=${form.slice(0, n)}`), 'value=', `${form} held after ${n}`);
        assert.equal(m.held, form.slice(0, n));
        // Disproved: the next character is not the form's.
        const other = form[n] === '#' ? '!' : '#';
        // A piece as long as a window of the secret (windowLength) is masked on its own; a shorter one is shown.
        const shown = m.push(`${other}\n`);
        if ([SECRET, odd].some((x) => holdsWindow(form.slice(0, n), x))) {
          assert.ok(shown.startsWith('****') && shown.endsWith(`${other}\n`) && ![SECRET, odd].some((x) => holdsWindow(shown, x)), `${form} after ${n}: ${shown}`);
        } else assert.equal(shown, `${form.slice(0, n)}${other}\n`, `${form} after ${n}, disproved`);
        assert.equal(m.held, '');
        // Completed: masked whole.
        const c = new StreamMasker(r);
        const out = c.push(`value=${form.slice(0, n)}`) + c.push(`${form.slice(n)} ok\n`);
        assert.ok(out.startsWith('value=****') && !out.includes(form.slice(0, 8)), `${form} after ${n}: ${out}`);
        assert.equal(c.held, '');
      }
    }
    // A secret of 3 characters is masked only where it stands alone: held until the next character says so.
    const three = redactor('k9x');
    const m = new StreamMasker(three);
    assert.equal(m.push('id k9x'), 'id ');
    assert.equal(m.push('y\n'), 'k9xy\n');
    assert.equal(m.push('id k9x'), 'id ');
    assert.equal(m.push(' ok\n'), '**** ok\n');
  });

  it('holds the lines of a hex dump or a base64 block while they may go on into a secret, and no longer', () => {
    const r = redactor(LONG);
    for (const script of ['printf "%s" "$S" | xxd', 'printf "%s" "$S" | base64', 'printf "ab%s" "$S" | od -An -tx1']) {
      const out = bash(script, LONG);
      const lines = out.split(/(?<=\n)/);
      const m = new StreamMasker(r);
      let shown = m.push(lines[0]!);
      assert.ok(m.held.length > 0, `${script}: the first line may go on into the secret: ${shown}`);
      for (const line of lines.slice(1)) shown += m.push(line);
      shown += m.push('after\n');
      assert.equal(m.held, '', `${script}: the block is over`);
      assert.deepEqual(leaks(shown, LONG), [], `${script}:\n${shown}`);
      assert.ok(shown.endsWith('after\n'));
    }
    // A dump or a block of other data is not held.
    for (const script of ['head -c 100 /dev/zero | xxd', 'printf "%s" "$S" | tr a-z n-za-m | base64', 'seq 1 50 | od -An -tx1']) {
      const m = new StreamMasker(r);
      const out = bash(script, LONG);
      assert.equal(m.push(out), out, script);
    }
  });

  it('releases a held tail once the stream is quiet, masked when it is a piece of a secret; the rest of it is masked when it comes', async () => {
    const r = redactor(SECRET);
    const shown: string[] = [];
    const m = new StreamMasker(r, (t) => shown.push(t));
    assert.equal(m.push('token=hunter'), 'token=');
    await until(() => shown.length > 0, 10_000 + 100 * QUIET_MS, 'the quiet release'); // hang guard: ~QUIET_MS idle
    assert.deepEqual(shown, ['****']);
    assert.equal(m.held, '');
    assert.equal(m.push('2-Secret9 and more\n'), '**** and more\n', 'the rest of the secret is masked too');
    // Two characters say little: released as they are (as a piece next to a … is).
    assert.equal(m.push('x h'), 'x ');
    assert.equal(m.release(), 'h');
    // A stream that keeps coming releases what more of it disproves; nothing waits for the timer.
    assert.equal(m.push('unting\n'), 'unting\n');
    assert.equal(m.flush(), '');
  });

  for (const { name, script } of [
    { name: 'raw', script: 'printf "before %s after\\nnext line\\n" "$S"' },
    { name: 'twice, back to back', script: 'printf "%s%s\\n" "$S" "$S"' },
    { name: 'base64 wrapped at 76', script: 'printf "x%s" "$S" | base64' },
    { name: 'base64 wrapped at 40, after text', script: 'printf "token: "; printf "xy%s" "$S" | base64 -w 40; echo done' },
    { name: 'xxd', script: 'printf "abc%sdef" "$S" | xxd' },
    { name: 'xxd | tail -2', script: 'printf "%s" "$S" | xxd | tail -2; echo done' },
    { name: 'od -An -tx1 | head -2', script: 'printf "%s" "$S" | od -An -tx1 | head -2; echo done' },
    { name: 'hexdump -C', script: 'printf "12%s" "$S" | hexdump -C' },
    { name: 'xxd -p', script: 'printf "%s" "$S" | xxd -p' },
  ]) {
    it(`masks a secret ${name} however the stream is cut: at every position, and one character at a time`, () => {
      const r = redactor(LONG);
      const text = bash(script, LONG);
      const whole = r.mask(text);
      assert.deepEqual(leaks(whole, LONG), [], whole);
      for (let cut = 1; cut < text.length; cut++) {
        const out = streamed(r, text, [cut]);
        assert.deepEqual(leaks(out, LONG), [], `cut at ${cut}:\n${out}`);
        assert.equal(oneMask(out), oneMask(whole), `cut at ${cut}: masked as the whole text is`);
      }
      const each = streamed(r, text, [...text].map((_, i) => i).slice(1));
      assert.deepEqual(leaks(each, LONG), [], `one character at a time:\n${each}`);
      assert.equal(oneMask(each), oneMask(whole));
    });
  }
});
