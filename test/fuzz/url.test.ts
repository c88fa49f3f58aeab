// Connection URLs, well-formed, mistyped (raw reserved characters in the password) and mangled: parseUrl
// throws nothing but UrlError, and neither its errors, maskUrl nor the redactor ever show the password.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { maskUrl, parseUrl, UrlError } from '../../src/db/url.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { RUNS, check, summary } from './budget.js';

// Upper case and digits (messages are lower case prose) plus every character that must be encoded.
const SECRET_CHARS = [...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', ...':@/#?%&=+ []!$\'()*,;~', 'é', '😀'];
const password = fc.oneof(
  fc.array(fc.constantFrom(...SECRET_CHARS), { minLength: 8, maxLength: 24 }).map((cs) => `Q${cs.join('')}`),
  // Digits, then a raw '?': the no-credentials reading takes the digits for a port.
  fc.tuple(fc.stringMatching(/^[0-9]{6,12}$/), fc.constantFrom('?x=1', '?sslmode=disable', '?', '/x', '#x')).map(([d, t]) => d + t),
);
const word = (chars: string, max = 10) => fc.array(fc.constantFrom(...chars), { maxLength: max }).map((cs) => cs.join(''));

const parts = fc.record({
  scheme: fc.constantFrom('postgres', 'postgresql', 'mysql', 'mariadb', 'POSTGRES', 'http', 'pg', ''),
  user: word('abcxyz_.-@:%'),
  password,
  host: fc.constantFrom('db', '127.0.0.1', '[::1]', 'db.example', '', 'a@b', '[bad'),
  port: fc.constantFrom('', '5432', '3306', '0', '65536', '99999', 'abc', '12345678901'),
  database: word('abc_%/?#'),
  params: fc.array(fc.tuple(fc.constantFrom('sslmode', 'password', 'user', 'host', 'port', 'x', '__proto__', 'a b', ''), word('abc=&%@#', 6)), { maxLength: 3 }),
  form: fc.constantFrom('encoded', 'raw', 'query-encoded', 'query-raw'),
  edits: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom('', '@', ':', '/', '#', '?', '%', '%2', '[', ']', '&', '=')), { maxLength: 2 }),
});
type Parts = typeof parts extends fc.Arbitrary<infer T> ? T : never;

function build(p: Parts): string {
  const enc = encodeURIComponent;
  const inQuery = p.form.startsWith('query');
  const pw = p.form === 'encoded' || p.form === 'query-encoded' ? enc(p.password) : p.password;
  const auth = inQuery ? (p.user ? `${enc(p.user)}@` : '') : `${enc(p.user)}:${pw}@`;
  const params = [...p.params.map(([k, v]) => `${k}=${enc(v)}`), ...(inQuery ? [`password=${pw}`] : [])].join('&');
  return `${p.scheme}://${auth}${p.host}${p.port ? `:${p.port}` : ''}/${enc(p.database)}${params ? `?${params}` : ''}`;
}

function edit(url: string, edits: [number, number, string][]): string {
  return edits.reduce((u, [at, del, text]) => { const o = at % (u.length + 1); return u.slice(0, o) + text + u.slice(o + del); }, url);
}

/** Every 6-character window of the password, plain and encoded, that the rest of the URL does not also
 *  spell (`others`: the same URL with an empty password): a partial echo is still a leak. */
function leaks(text: string, secret: string, others: string): string | undefined {
  for (const form of [secret, encodeURIComponent(secret)]) {
    for (let i = 0; i + 6 <= form.length; i++) {
      const w = form.slice(i, i + 6);
      if (text.includes(w) && !others.includes(w)) return w;
    }
  }
  return undefined;
}

test(`parseUrl: UrlError only, never the password in a message; well-formed URLs round-trip (${RUNS} cases)`, () => {
  check('url parse', parts, (p) => {
    const url = build(p);
    try {
      const info = parseUrl(url);
      const clean = p.form.endsWith('encoded') && p.edits.length === 0 && p.user === '' && !p.params.some(([k]) => k === 'password');
      if (clean && p.form === 'encoded') assert.equal(info.password, p.password, url);
    } catch (e) {
      assert.ok(e instanceof UrlError, `threw ${String(e)} for ${url}`);
      assert.equal(leaks(e.message, p.password, build({ ...p, password: '' })), undefined, `the message echoes the password: ${e.message}`);
    }
  });
});

test(`maskUrl and the redactor hide the password in every form (${RUNS} cases)`, () => {
  // A raw '&' in a query-string password is indistinguishable from the next parameter (password=a&b=c): no
  // reader can know it was one value, so that typo is out of scope.
  const readable = parts.filter((p) => p.scheme !== '' && !(p.form === 'query-raw' && p.password.includes('&')));
  check('url mask', readable, (p) => {
    const url = build({ ...p, edits: [] });
    const masked = maskUrl(url);
    const redactor = new Redactor();
    redactor.addUrl(url);
    const redacted = redactor.mask(`connecting to ${url} failed`);
    const others = build({ ...p, password: '', edits: [] });
    assert.equal(leaks(redacted, p.password, others), undefined, `redactor left ${leaks(redacted, p.password, others)} in ${redacted}`);
    // maskUrl is for display of a URL that parses; a URL with a raw '#'/'?'/'/' in the password is refused by
    // parseUrl before it is shown, and the redactor (above) covers every other path.
    let parses = true;
    try { parseUrl(url); } catch { parses = false; }
    if (parses) assert.equal(leaks(masked, p.password, others), undefined, `maskUrl left ${leaks(masked, p.password, others)} in ${masked}`);
  });
});

test(`mangled URLs: UrlError only (${RUNS} cases)`, () => {
  check('url mangled', parts, (p) => {
    const url = edit(build(p), p.edits);
    try { parseUrl(url); } catch (e) { assert.ok(e instanceof UrlError, `threw ${String(e)} for ${url}`); }
    maskUrl(url);
  });
});

after(() => console.log(summary()));
