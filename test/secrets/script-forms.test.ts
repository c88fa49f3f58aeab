// The bounds of what a script can print that is masked (secrets/script-forms.ts): a window of exactly
// max(8, ⅔ of the secret) is masked, a shorter piece is shown; a connection URL keeps its server readable (its
// password has the forms, not the URL); a value computed from a secret gets its encodings, not windows, so text
// beside the secret in it stays readable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Redactor } from '../../src/secrets/redactor.js';
import { windowLength } from '../../src/secrets/script-forms.js';

const CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];

test('a window of max(8, ⅔) of the secret is masked wherever it stands; a shorter piece is shown', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...CHARS), { minLength: 9, maxLength: 64 }).map((a) => a.join('')), fc.nat(), (secret, at) => {
    const r = new Redactor();
    r.addValue(secret);
    const w = windowLength(secret.length);
    const start = at % (secret.length - w + 1);
    const window = secret.slice(start, start + w);
    assert.equal(r.mask(`<${window}>`), '<****>', `${secret}: ${window}`);
    const piece = secret.slice(start, start + w - 1);
    const reversed = [...secret].reverse().join('');
    fc.pre(!reversed.includes(piece.slice(0, 8)) && !r.contains(piece)); // not another form by chance
    assert.equal(r.mask(`<${piece}>`), `<${piece}>`, `${secret}: ${piece} is shorter than a window`);
  }), { numRuns: 300 });
});

test("a secret connection URL shows its server where it is shown; its password's forms are masked", () => {
  const r = new Redactor();
  const url = 'postgres://app:Pw-Secret-77@db-primary.internal.example.com:5432/application';
  r.addValue(url);
  assert.equal(r.showUrl(url), 'postgres://app:****@db-primary.internal.example.com:5432/application');
  assert.equal(r.mask('to db-primary.internal.example.com:5432/application'), 'to db-primary.internal.example.com:5432/application');
  assert.equal(r.mask(`pw ${[...'Pw-Secret-77'].reverse().join('')} ${'Pw-Secret-77'.slice(1)}`), 'pw **** ****');
});

test('a value computed from a secret is masked in its encodings, and the text beside the secret in it is not', () => {
  const r = new Redactor();
  r.addValue('Hunter2-Secret');
  r.addValue('Password for alice: Hunter2-Secret', true); // as taint registers 'Password for alice: ' + secret
  assert.equal(r.mask('Password for alice: (none)'), 'Password for alice: (none)');
  assert.equal(r.mask(Buffer.from('Password for alice: Hunter2-Secret').toString('base64')).includes('UGFzc3dvcmQgZm9yIGFsaWNlOiBIdW50ZXIyLVNlY3JldA'), false);
});
