// What the engine reads of a JDBC URL's sslfactory (src/diagnose/vantage-trust.ts: it decides whose trust the
// probes take for a Java application) against what PgJDBC itself reads: org.postgresql.Driver.parseURL, in a real
// JVM, on generated URLs (host forms, parameters in any order and number, repeated, encoded, valueless, names in
// another case, `+`, `#`, empty pairs). Where PgJDBC takes the URL, both must name the same factory; and the trust
// decided from it is LibPQFactory's or DefaultJavaSSLFactory's only for exactly those names, anything else unknown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { jdbcSslFactory, pgjdbcTrust } from '../../src/diagnose/vantage-trust.js';
import { rng } from '../helpers/rng.js';

const JAR = '/usr/share/java/postgresql.jar';
const SEED = Number(process.env.JDBC_URL_SEED ?? 4242);
const COUNT = Number(process.env.JDBC_URLS ?? 2000);
const skip = (spawnSync('java', ['-version']).status !== 0 || !existsSync(JAR)) && 'needs a JDK and PgJDBC (node test/provision.mjs installs them)';

const ORACLE = `import java.util.Properties;
class ParseUrls {
  public static void main(String[] a) throws Exception {
    java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, "UTF-8"));
    for (String line; (line = r.readLine()) != null; ) {
      String out;
      try { Properties p = org.postgresql.Driver.parseURL(line, new Properties()); out = p == null ? "<invalid>" : p.getProperty("sslfactory") == null ? "<none>" : "=" + p.getProperty("sslfactory"); }
      catch (Exception e) { out = "<invalid>"; }
      System.out.println(out);
    }
  }
}`;

const HOSTS = ['//db:5432/app', '//h1,h2:5433/app', '///app', 'app', '//[::1]/app', '//db/'];
const FACTORY = ['org.postgresql.ssl.DefaultJavaSSLFactory', 'org.postgresql.ssl.NonValidatingFactory', 'org.postgresql.ssl.LibPQFactory',
  'org.postgresql.ssl.jdbc4.LibPQFactory', 'org%2Epostgresql.ssl.DefaultJavaSSLFactory', 'org.postgresql.ssl.DefaultJavaSSLFactory%20',
  'com.example.Trusting', 'a+b', '', '%ZZ', 'org.postgresql.ssl.DefaultJavaSSLFactory#frag', 'x=y'];
const OTHER = ['ssl=true', 'sslmode=verify-full', 'user=app', 'SSLFACTORY=org.postgresql.ssl.DefaultJavaSSLFactory', 'ssl%66actory=x', '', 'a=1=2', 'sslfactory'];

function urls(random: () => number): string[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: COUNT }, () => {
    const pairs = Array.from({ length: Math.floor(random() * 5) }, () => (random() < 0.5 ? `sslfactory=${pick(FACTORY)}` : pick(OTHER)));
    return `jdbc:postgresql:${pick(HOSTS)}${pairs.length || random() < 0.3 ? `?${pairs.join('&')}` : ''}${random() < 0.1 ? '&' : ''}`;
  });
}

test(`the sslfactory of ${COUNT} generated JDBC URLs, as PgJDBC's own parser reads it (seed ${SEED})`, { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgjdbc-'));
  writeFileSync(join(dir, 'ParseUrls.java'), ORACLE);
  const input = urls(rng(SEED));
  const r = spawnSync('java', ['-cp', JAR, join(dir, 'ParseUrls.java')], { input: input.join('\n') + '\n', encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const theirs = r.stdout.split('\n').slice(0, -1); // one answer a line, spaces at its end kept
  assert.equal(theirs.length, input.length);
  let compared = 0;
  for (const [i, url] of input.entries()) {
    if (theirs[i] === '<invalid>') continue; // PgJDBC refuses the URL: the application cannot connect with it
    compared++;
    const ours = jdbcSslFactory(url);
    assert.equal(ours === undefined ? '<none>' : `=${ours}`, theirs[i], url);
    const trust = pgjdbcTrust([url], new Map());
    const expected = ours === undefined || ours === 'org.postgresql.ssl.LibPQFactory' || ours === 'org.postgresql.ssl.jdbc4.LibPQFactory' ? 'libpq'
      : ours === 'org.postgresql.ssl.DefaultJavaSSLFactory' ? 'jsse' : { unknown: ours };
    assert.deepEqual(trust, expected, url);
  }
  assert.ok(compared > COUNT / 2, `only ${compared} of ${COUNT} URLs did PgJDBC take`);
});

test('URLs that disagree, on the command line and in the environment, are not known', () => {
  const jsse = 'jdbc:postgresql://db/app?sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory';
  assert.equal(pgjdbcTrust([`-Dspring.datasource.url=${jsse}`], new Map([['JDBC_DATABASE_URL', jsse]])), 'jsse');
  assert.deepEqual(pgjdbcTrust([`-Dspring.datasource.url=${jsse}`], new Map([['JDBC_DATABASE_URL', 'jdbc:postgresql://db/app']])), { unknown: 'jsse, libpq' });
  assert.equal(pgjdbcTrust(['-Xmx1g'], new Map()), 'libpq', 'no JDBC URL seen: PgJDBC\'s default');
  assert.equal(pgjdbcTrust([], new Map([['JAVA_OPTS', `-Durl=${jsse} -Dother=x`]])), 'jsse', 'a URL ends where its argument does');
});
