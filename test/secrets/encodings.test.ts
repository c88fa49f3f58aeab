// A secret in step output is masked in the forms real tools print it: URL-encoded (node, python), JSON-escaped
// (node, jq, python's ASCII-only json.dumps), shell-quoted (set -x, printf %q, $'…'), base64 (the secret at each
// of the three offsets inside a longer text, standard and URL-safe alphabets) and hex (xxd, lower and upper case).
// Each tool's output, masked, is decoded again: the secret must not come back. The stream masker holds back enough
// of a chunk's tail for the longest form (hex is twice the secret) to be caught across chunk boundaries.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { Redactor } from '../../src/secrets/redactor.js';
import { StreamMasker } from '../../src/secrets/stream-masker.js';

const SECRETS = ['hunter2-Secret9', `p@ss:w/rd#'" $x\\é€z`, 'tab\there\nnew\x01line'];

function bash(script: string, secret: string): string {
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, S: secret } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout + r.stderr;
}

function python(code: string, secret: string): string | undefined {
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', env: { ...process.env, S: secret } });
  return r.status === 0 ? r.stdout : undefined; // python3 may be missing: the node and bash forms still run
}

type Decode = (masked: string) => string[];
const runs = (re: RegExp) => (m: string) => [...m.matchAll(re)].map((x) => x[0]);
const base64Back: Decode = (m) => runs(/[A-Za-z0-9+/_-]{2,}={0,2}/g)(m).flatMap((r) => [0, 1, 2, 3].map((i) => Buffer.from(r.slice(i).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1') + Buffer.from(r.slice(i), 'base64').toString('utf8')));
const hexBack: Decode = (m) => runs(/[0-9a-fA-F]{2,}/g)(m).flatMap((r) => [0, 1].map((i) => Buffer.from(r.slice(i), 'hex').toString('utf8')));
const jsonBack: Decode = (m) => runs(/"(?:[^"\\]|\\.)*"/g)(m).flatMap((r) => { try { return [JSON.parse(r) as string]; } catch { return []; } });
const urlBack: Decode = (m) => { try { return [decodeURIComponent(m.replace(/\+/g, ' '))]; } catch { return []; } };
const same: Decode = (m) => [m];
const shellBack: Decode = (m) => {
  // What bash makes of the masked words again (+ marks of set -x dropped).
  const words = m.split('\n').map((l) => l.replace(/^\++ /, '')).filter(Boolean).join(' ');
  const r = spawnSync('bash', ['-c', `printf '%s' ${words}`], { encoding: 'utf8' });
  return [r.stdout ?? '', m];
};

const FORMS: { name: string; make(s: string): string | undefined; back: Decode }[] = [
  { name: 'raw in text', make: (s) => `before ${s} after`, back: same },
  { name: 'encodeURIComponent', make: (s) => `url=${encodeURIComponent(s)}&x=1`, back: urlBack },
  { name: 'URLSearchParams', make: (s) => new URLSearchParams({ a: 'b', password: s }).toString(), back: urlBack },
  { name: 'python quote_plus', make: (s) => python('import os,urllib.parse;print(urllib.parse.quote_plus(os.environ["S"]))', s), back: urlBack },
  { name: 'JSON.stringify', make: (s) => JSON.stringify({ user: 'app', password: s }), back: jsonBack },
  { name: 'jq', make: (s) => bash('printf "%s" "$S" | jq -Rs "{p: .}"', s), back: jsonBack },
  { name: 'python json.dumps (ASCII)', make: (s) => python('import os,json;print(json.dumps({"p": os.environ["S"]}))', s), back: jsonBack },
  { name: 'set -x', make: (s) => bash('set -x; : "$S" >/dev/null', s), back: shellBack },
  { name: 'printf %q', make: (s) => bash('printf "%q\\n" "$S"', s), back: shellBack },
  ...[0, 1, 2].map((offset) => ({
    name: `base64 at offset ${offset}`, make: (s: string) => bash(`printf '%s%s%s' "${'ab'.slice(0, offset)}" "$S" "tail" | base64 -w0`, s), back: base64Back,
  })),
  ...[0, 1, 2].map((offset) => ({
    name: `base64url at offset ${offset}`, make: (s: string) => bash(`printf '%s%s!' "${'xy'.slice(0, offset)}" "$S" | base64 -w0 | tr '+/' '-_'`, s), back: base64Back,
  })),
  { name: 'xxd', make: (s) => bash('printf "%s" "$S" | xxd -p -c 1000', s), back: hexBack },
  { name: 'xxd -u inside text', make: (s) => `hex: ${bash('printf "<%s>" "$S" | xxd -p -u -c 1000', s).trim()} end`, back: hexBack },
];

for (const secret of SECRETS) {
  test(`every encoding of ${JSON.stringify(secret)} is masked`, () => {
    const redactor = new Redactor();
    redactor.add(secret);
    for (const form of FORMS) {
      const text = form.make(secret);
      if (text === undefined) continue;
      const masked = redactor.mask(text);
      assert.ok(masked.includes('****'), `${form.name}: nothing masked in ${JSON.stringify(text)}`);
      for (const back of form.back(masked)) assert.ok(!back.includes(secret), `${form.name}: ${JSON.stringify(masked)} still decodes to the secret`);
    }
  });
}

test('the stream masker catches the longest form (hex) split at every position', () => {
  const secret = 'Str3am-secret-value';
  const redactor = new Redactor();
  redactor.add(secret);
  const hex = Buffer.from(secret).toString('hex');
  const text = `start ${hex} middle ${Buffer.from(`a${secret}`).toString('base64')} end`;
  for (let cut = 1; cut < text.length; cut++) {
    const masker = new StreamMasker(redactor);
    const out = masker.push(text.slice(0, cut)) + masker.push(text.slice(cut)) + masker.flush();
    assert.ok(!out.includes(hex.slice(0, 8)) && out.includes('start ****'), `cut at ${cut}: ${out}`);
    assert.ok(hexBack(out).every((b) => !b.includes(secret)) && base64Back(out).every((b) => !b.includes(secret)), out);
  }
});

test('a secret registered while a stream runs widens what is held back at once', () => {
  const redactor = new Redactor();
  const masker = new StreamMasker(redactor);
  const first = masker.push('no secrets yet ');
  redactor.add('late-secret-value');
  const hex = Buffer.from('late-secret-value').toString('hex');
  const out = first + masker.push(hex.slice(0, 10)) + masker.push(hex.slice(10)) + masker.flush();
  assert.equal(out, 'no secrets yet ****');
});
