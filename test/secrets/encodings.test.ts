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

// Secrets spread over lines: base64 as `base64` wraps it (76 columns) and as PEM does (64), hex dumps with their
// offsets, spacing and text column (xxd, xxd -u -g4, xxd -c 8, xxd -p, od -tx1 with and without offsets, hexdump
// -C), a dump or a wrapped block cut by head or tail, and all of it arriving in chunks cut at every position. The
// secret is long enough to spread over four dump lines and over two base64 lines. Each output, masked, is read
// back: no line, no text column, no decoding of the digits that remain shows the secret or a piece of 8 of it.
const LONG = 'Tok_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRST';
const SPREAD: { name: string; script: string }[] = [
  { name: 'base64 (76 columns)', script: 'printf "%s" "$S" | base64' },
  { name: 'base64 after 1 byte', script: 'printf "x%s" "$S" | base64' },
  { name: 'base64 after 2 bytes, in text', script: 'printf "token: "; printf "xy%s" "$S" | base64 -w 64; echo done' },
  { name: 'base64 | head -1', script: 'printf "%s" "$S" | base64 | head -1; echo done' },
  { name: 'base64 | tail -1', script: 'echo start; printf "%s" "$S" | base64 -w 40 | tail -1' },
  { name: 'xxd', script: 'printf "%s" "$S" | xxd' },
  { name: 'xxd at an odd offset', script: 'printf "abc%sdef" "$S" | xxd' },
  { name: 'xxd -u -g4', script: 'printf "%s" "$S" | xxd -u -g4' },
  { name: 'xxd -c 8', script: 'printf "%s" "$S" | xxd -c 8' },
  { name: 'xxd -p', script: 'printf "%s" "$S" | xxd -p' },
  { name: 'xxd | head -2', script: 'printf "%s" "$S" | xxd | head -2' },
  { name: 'xxd | tail -2', script: 'printf "%s" "$S" | xxd | tail -2' },
  { name: 'od -tx1', script: 'printf "%s" "$S" | od -tx1' },
  { name: 'od -An -tx1 | head -2', script: 'printf "%s" "$S" | od -An -tx1 | head -2' },
  { name: 'hexdump -C', script: 'printf "12%s" "$S" | hexdump -C' },
];

/** Every 8-character piece of the secret, as text and as hex digits. */
const pieces = (s: string): string[] => {
  const hex = Buffer.from(s).toString('hex');
  const out: string[] = [];
  for (let i = 0; i + 8 <= s.length; i++) out.push(s.slice(i, i + 8));
  for (let i = 0; i + 16 <= hex.length; i += 2) out.push(hex.slice(i, i + 16));
  return out;
};

function leaks(masked: string, secret: string): string[] {
  const digits = masked.replace(/^[0-9a-f]{6,8}:? ?/gim, '').replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  const b64 = masked.replace(/\s+/g, '');
  const decoded = [0, 1, 2, 3].flatMap((i) => [Buffer.from(b64.slice(i), 'base64').toString('latin1')]);
  const texts = [masked, masked.replace(/\s+/g, ''), digits, ...decoded];
  return pieces(secret).filter((p) => texts.some((t) => t.includes(p) || t.includes(p.toLowerCase())));
}

for (const { name, script } of SPREAD) {
  test(`a secret spread over lines by ${name} is masked, whole or as the piece shown, also across chunks`, () => {
    const out = bash(script, LONG);
    const redactor = new Redactor();
    redactor.add(LONG);
    const masked = redactor.mask(out);
    assert.ok(masked.includes('****'), `${name}: nothing masked in\n${out}`);
    assert.deepEqual(leaks(masked, LONG), [], `${name}:\n${out}\nmasked:\n${masked}`);
    assert.equal(masked.split('\n').length, out.split('\n').length, 'the layout (one line per line) is kept');
    // Arriving in two chunks, cut anywhere: the same.
    for (let cut = 1; cut < out.length; cut += 7) {
      const m = new StreamMasker(redactor);
      const streamed = m.push(out.slice(0, cut)) + m.push(out.slice(cut)) + m.flush();
      assert.deepEqual(leaks(streamed, LONG), [], `${name}, cut at ${cut}:\n${streamed}`);
    }
  });
}

test('a dump or base64 of other data is left as it is', () => {
  const redactor = new Redactor();
  redactor.add(LONG);
  for (const script of ['head -c 300 /dev/zero | xxd', 'printf "%s" "$S" | tr a-z n-za-m | xxd', 'printf "%s" "$S" | tr a-z n-za-m | base64', 'seq 1 200 | od -tx1 | head -5']) {
    const out = bash(script, LONG);
    assert.equal(redactor.mask(out), out, script);
  }
});

test('a secret cut short by a … (a label, a poll line, elided output) is masked up to the cut', () => {
  const redactor = new Redactor();
  redactor.add(LONG);
  const cut = (n: number) => `label ${LONG.slice(0, n)}…`;
  for (const n of [3, 10, LONG.length - 1]) assert.equal(redactor.mask(cut(n)), 'label ****…', `cut after ${n}`);
  assert.equal(redactor.mask(cut(2)), cut(2), 'two characters are left');
  const elided = `head ${LONG.slice(0, 20)}\n[… 1000 bytes elided …]\n${LONG.slice(25)} tail`;
  assert.equal(redactor.mask(elided), 'head ****\n[… 1000 bytes elided …]\n**** tail');
});

test('a secret with whitespace inside is masked where a one-line rendering collapsed it', () => {
  const redactor = new Redactor();
  const key = '-----BEGIN KEY-----\n  MIIBOgIBAAJBAK\tsecretline2\n-----END KEY-----';
  redactor.add(key);
  for (const shown of [key.replace(/\s+/g, ' '), key.replace(/\s*\n\s*/g, ' ')]) assert.equal(redactor.mask(`title: ${shown}.`), 'title: ****.');
});

test('percent-encoding with lower-case hex is masked too', () => {
  const redactor = new Redactor();
  redactor.add('p@ss/w0rd?x');
  assert.equal(redactor.mask('pw=p%40ss%2fw0rd%3fx'), 'pw=****');
});

test('the redactor finds many secrets in one pass: CPU for 20 MB of output grows little from 1 to 100 secrets', () => {
  const line = 'INFO 2024-01-01T00:00:00Z request handled in 12ms path=/api/v1/items?id=12345 user=alice status=200 ok\n';
  const text = line.repeat(Math.ceil(65536 / line.length));
  const cost = (n: number) => {
    const r = new Redactor();
    for (let i = 0; i < n; i++) r.addValue(`postgres://app:Secret-${i}-pw@db.internal:5432/app`);
    r.mask(text); // compile
    const start = process.cpuUsage();
    for (let b = 0; b < 20_000_000; b += text.length) r.mask(text);
    const used = process.cpuUsage(start);
    return used.user + used.system;
  };
  const one = cost(1);
  const hundred = cost(100);
  // A ratio of two CPU times in the same process, not a speed bound: one indexOf per form made it ~60×.
  assert.ok(hundred < one * 15, `100 secrets cost ${(hundred / one).toFixed(1)}× one secret`);
});

test('a stream of secrets back to back (or overlapping all along) is masked whole and holds back a bounded tail', () => {
  for (const secret of ['SecretToken-77', 'aaaa']) {
    const redactor = new Redactor();
    redactor.add(secret);
    const masker = new StreamMasker(redactor);
    const stream = secret.repeat(50_000);
    let out = '';
    let held = 0;
    for (let at = 0, i = 0; at < stream.length; i++) {
      const n = 16_384 + ((i * 7919) % 1000); // chunks that cut the secrets at changing places
      out += masker.push(stream.slice(at, at + n));
      held = Math.max(held, masker.held.length);
      at += n;
    }
    out += masker.flush();
    assert.equal(out.replace(/\*/g, ''), '', `${secret}: something shows`);
    assert.ok(held <= 3 * redactor.holdback + secret.length, `${secret}: held back ${held} characters`);
  }
});
