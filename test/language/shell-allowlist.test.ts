// The shell lint proves a read by allowlist, and this is tested as a property over its own tables, not over
// hand-picked cases: for every reviewed command (and verb, wrapper, program), every listed option in its full
// spelling is accepted, and every proper prefix of a listed long option that is not itself listed, every short
// letter that is not listed, a generated set of unlisted long options, and a value that may become an option
// where the command has options that act, are refused. Every wrapper around an acting command is refused, and
// every client that acts on another system. Thousands of cases, in this one process. These test the tables
// (allowlistFindings, the author's text read as bash would); a step is proven only when its text is also in the
// subset the engine runs as its own reading (shell-plan.ts, test/language/shell-plan*.test.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allowlistFindings as shellDanger, shellDanger as stepDanger } from '../../src/language/validate/shell-lint.js';
import { READS } from '../../src/language/validate/read-commands.js';
import { AWK, DATE, HOSTNAME, SED } from '../../src/language/validate/read-programs.js';
import { IP_GLOBAL, JOURNALCTL, reviewedVerbs } from '../../src/language/validate/read-verbs.js';
import { WRAPPERS } from '../../src/language/validate/shell-wrappers.js';
import type { Options } from '../../src/language/validate/read-options.js';

interface Reviewed { words: string[]; options: Options; operands: string[] }
const URL = 'http://127.0.0.1:9/x';

/** Every reviewed command form, with operands that make it otherwise a proven read. */
function reviewed(): Reviewed[] {
  return [
    ...Object.entries(READS).map(([name, options]) => ({ words: [name], options, operands: name === 'hash' || name === 'sleep' ? [] : ['f'] })),
    { words: ['sed'], options: SED, operands: ['-n', 'p', 'f'] }, { words: ['awk'], options: AWK, operands: ["'{ print $1 }'", 'f'] },
    { words: ['gawk'], options: AWK, operands: ["'{ print $1 }'"] }, 
    { words: ['date'], options: DATE, operands: ['+%s'] }, { words: ['hostname'], options: HOSTNAME, operands: [] },
    { words: ['ip'], options: IP_GLOBAL, operands: ['route', 'show'] },
    { words: ['journalctl'], options: JOURNALCTL, operands: [] },
    ...reviewedVerbs().map((v) => ({ ...v, operands: v.words[0] === 'openssl' || v.words.includes('version') || v.words.includes('cluster-info') ? [] : ['x'] })),
  ];
}

const longNames = (o: Options) => (o.long ?? '').split(/\s+/).filter(Boolean).map((n) => ({ name: n.replace(/\[?=\]?$/, ''), valued: n.endsWith('=') && !n.endsWith('[=]') }));
const dash = (o: Options) => (o.singleDash ? '-' : '--');
/** Values a reviewed option accepts where the lint checks them (curl's method, protocols). */
const VALUE: Record<string, string> = { e: 'p', expression: 'p', H: "'X-A: 1'", header: "'X-A: 1'", X: 'GET', request: 'GET', proto: 'https', 'proto-redir': 'https', url: URL, 'write-out': '%{http_code}', w: '%{http_code}' };
const value = (name: string) => VALUE[name] ?? 'v1';

/** `words option operands`, with the option before the operands (where the tool stops reading options). */
const line = (r: Reviewed, option: string[]) => [...r.words, ...option, ...r.operands].join(' ');

/** Long names no reviewed command lists that would act: generated from the verbs and nouns of acting options. */
function unlistedLongNames(): string[] {
  const verbs = ['output', 'out', 'write', 'exec', 'execute', 'run', 'command', 'eval', 'config', 'file', 'load', 'plugin', 'set', 'kill',
    'delete', 'remove', 'in-place', 'compress-program', 'pre', 'upload', 'data', 'post', 'script', 'shell', 'module', 'engine', 'cache-dir', 'message'];
  const suffixes = ['', '-file', '-dir', '-program', '-command', 's'];
  return verbs.flatMap((v) => suffixes.map((s) => `${v}${s}`));
}

const clean = (s: string) => assert.equal(shellDanger(s), undefined, `should be proven a read: ${s}`);
const refused = (s: string) => assert.ok(shellDanger(s), `should not be proven: ${s}`);

describe('every reviewed command: its listed options prove a read, nothing else does', () => {
  const all = reviewed();

  test('each listed option, in its full spelling, is accepted (the tables are what the lint reads)', () => {
    let n = 0;
    for (const r of all) {
      const o = r.options;
      const both = [...(o.flags ?? '')].filter((l) => (o.valued ?? '').includes(l));
      assert.deepEqual(both, [], `${r.words.join(' ')}: a letter both with and without a value`);
      for (const letter of o.flags ?? '') { clean(line(r, [`-${letter}`])); n++; }
      for (const letter of o.valued ?? '') { clean(line(r, [`-${letter}`, value(letter)])); clean(line(r, [`-${letter}${value(letter)}`])); n += 2; }
      // An optional value is only the rest of the word (getopt's `n::`).
      for (const letter of o.optional ?? '') { clean(line(r, [`-${letter}`])); clean(line(r, [`-${letter}${value(letter)}`])); n += 2; }
      for (const { name, valued } of longNames(o)) {
        clean(line(r, valued ? [`${dash(o)}${name}=${value(name)}`] : [`${dash(o)}${name}`]));
        if (valued) clean(line(r, [`${dash(o)}${name}`, value(name)]));
        n++;
      }
    }
    assert.ok(n > 1500, `${n}`);
  });

  test('every proper prefix of a listed long option that is not itself listed is refused (GNU abbreviations)', () => {
    let n = 0;
    for (const r of all) {
      const names = new Set(longNames(r.options).map((l) => l.name));
      for (const { name } of longNames(r.options)) {
        for (let k = 1; k < name.length; k++) {
          const prefix = name.slice(0, k);
          if (names.has(prefix) || (r.options.singleDash && `${r.options.flags ?? ''}${r.options.valued ?? ''}`.includes(prefix))) continue;
          refused(line(r, [`${dash(r.options)}${prefix}`])); refused(line(r, [`${dash(r.options)}${prefix}=F`])); n += 2;
        }
      }
    }
    assert.ok(n > 5000, `${n}`);
  });

  test('every short letter and generated long option not listed is refused, alone and inside a cluster', () => {
    let n = 0;
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    for (const r of all) {
      const o = r.options;
      const names = new Set(longNames(o).map((l) => l.name));
      for (const letter of letters) {
        if ((o.flags ?? '').includes(letter) || (o.valued ?? '').includes(letter) || (o.optional ?? '').includes(letter) || (o.numeric && /\d/.test(letter))) continue;
        if (o.singleDash && names.has(letter)) continue;
        refused(line(r, [`-${letter}`])); n++;
        const flag = o.flags?.[0];
        if (flag && !o.singleDash) { refused(line(r, [`-${flag}${letter}`])); n++; } // `-iS…`: split by getopt's rules
      }
      for (const name of unlistedLongNames()) if (!names.has(name)) { refused(line(r, [`--${name}=F`])); n++; }
    }
    assert.ok(n > 10000, `${n}`);
  });

  test('a value that may become an option is refused where an option acts, and after -- it is an operand', () => {
    for (const r of all) {
      if (r.options.anyOptionReads || r.words[0] === 'top' || r.words[0] === 'hostname' || r.words[0] === 'ip' || r.words[0] === 'openssl' || r.words[0] === 'journalctl') continue;
      if (r.words[0] === 'systemctl' || r.words[0] === 'docker') continue; // their reviewed verbs' options all read
      refused([...r.words, '"$x"', ...r.operands].join(' '));
      refused([...r.words, '*', ...r.operands].join(' '));
    }
    clean('sort -- "$x"'); clean('kubectl logs --tail=5 -- "$pod"'); clean('cat "$x" $y *');
  });
});

describe('wrappers, code from text, and clients', () => {
  /** Commands that act, generated from the refusals above: an abbreviation, an unlisted option, a client. */
  const ACTING = ['sort --ou=M f', 'sed --in-pl s/a/b/ f', 'touch M', 'rm -f M', 'curl -X POST ' + URL, "psql -c 'DELETE FROM t'",
    'kubectl --cache-dir x get scale deploy/app --replicas=0', 'systemctl --message status start x', 'date -s now', 'ss --dia=F', 'file --comp x'];
  const WRAPPED = [
    ...Object.keys(WRAPPERS).filter((w) => !['command', 'builtin', 'exec', 'watch', 'xargs', 'timeout'].includes(w)).map((w) => `${w} %`),
    'timeout 5 %', 'timeout -s KILL 5 %', 'nice -n 5 %', 'env A=1 %', 'sudo -u postgres %', 'command %', 'builtin %', 'exec %', 'xargs %',
    "bash -c '%'", "sh -ec '%'", "bash -o pipefail -c '%'", 'bash <<EOF\n%\nEOF', "su postgres -c '%'", 'su root <<EOF\n%\nEOF',
    "runuser -u x -- %", 'flock /tmp/l %', 'chrt 5 %', 'taskset 1 %', 'chroot / %', 'busybox %', 'ip netns exec ns %', "watch -n 1 '%'",
    'find . -exec % \\;', "eval '%'", 'ionice -c 3 %', 'stdbuf -oL %', '/usr/bin/time -p %', 'nohup %', 'setsid %',
  ];

  test('every wrapper around an acting command is refused', () => {
    let n = 0;
    for (const w of WRAPPED) for (const a of ACTING) { refused(w.replace('%', a)); n++; }
    assert.ok(n > 400, `${n}`);
  });

  test("a wrapper's own unlisted options, and wrappers that run code from text or stdin, are refused around a read", () => {
    for (const [name, spec] of Object.entries(WRAPPERS)) {
      const names = new Set(longNames(spec.options).map((l) => l.name));
      for (const { name: long } of longNames(spec.options)) for (let k = 1; k < long.length; k++) if (!names.has(long.slice(0, k))) refused(`${name} --${long.slice(0, k)} ${name === 'timeout' ? '5 ' : ''}cat f`);
      for (const extra of ['-S', '-o F', '-p 1', '-c x', '--split-string=x', '-i', '-I{}']) {
        const letter = extra[1]!;
        if ((spec.options.flags ?? '').includes(letter) || (spec.options.valued ?? '').includes(letter)) continue;
        refused(`${name} ${extra} ${name === 'timeout' ? '5 ' : ''}cat f`);
      }
    }
    for (const s of ["su root -lc 'cat f'", 'su root <<EOF\ncat f\nEOF', 'runuser -l root <<EOF\ncat f\nEOF', "env --split-string='cat f'", "env -iS'cat f'",
      'bash --rcfile <(cat f) -i', 'bash -i', 'bash -l -c "cat f"', 'bash script.sh', 'cat s | bash', 'bash < s', "awk -W exec /dev/stdin", "awk -f p.awk f",
      "awk 'BEGIN { system(\"id\") }'", "awk 'BEGIN { f = \"system\"; @f(\"id\") }'", "awk '{ print > \"out\" }' f", "awk '{ print | \"sh\" }' f",
      "awk '/x/ { \"id\" | getline }' f", "gawk '@load \"x\"'", 'ip -batch -', 'ip -b f', '/usr/bin/time -o F cat f', 'flock F cat f', 'ionice -c 3 -p 1',
      'ionice -p 1', 'sudo -u postgres ls', 'sudo -unobody head f', 'sudo --user=nobody cat f', 'doas -u nobody cat f', 'setsid -w cat f', 'setsid -f cat f', 'xargs -I{} cat {}', 'xargs sed -n p', 'xargs curl -s', 'timeout 5 $cmd', 'python3 -c "print(1)"', 'perl -e 1', 'node -e 1',
      'python3 <<EOF\nprint(1)\nEOF', 'sort --compress-program=sh f', "sh -ec 'ls | wc -l'", "watch -n 1 'cat f'", 'nice cat <(touch M)', 'stdbuf -oL $x', 'chrt -p 5 1', 'taskset -p 1 1']) refused(s);
    for (const s of ["bash -c 'cat f'", 'bash <<EOF\ncat f\nEOF', "bash -ec 'ls | wc -l'", 'timeout 5 cat f', 'nice -n 5 cat f', 'env LANG=C df -h',
      'sudo ls', 'xargs cat', 'ionice -c 3 cat f', 'watch -n 1 -x cat f', 'stdbuf -oL grep x f', 'command -v rm']) clean(s);
  });

  test('every client that acts on another system is refused, and the message says where it belongs', () => {
    const database = ['psql', 'mysql', 'mariadb', 'pg_dump', 'pg_dumpall', 'pg_restore', 'mysqldump', 'mysqladmin', 'redis-cli', 'mongosh', 'sqlite3'];
    const host = ['ssh', 'scp', 'sftp', 'rsync', 'nc', 'socat', 'telnet', 'wget'];
    const cloud = ['aws', 'gcloud', 'az', 'vault', 'helm', 'podman'];
    const args = ['', '-c "SELECT 1"', '--command=UPDATE\\ t', '--file=f', '-e "SELECT 1"', '--execute=x', '--init-command=x', 'host uptime', 'host <<EOF\nrm -rf /\nEOF',
      'host bash -s', 'status', 'ssm get-parameter --name x', 'secrets versions access latest', 'keyvault secret show', 'read secret/x', 'list'];
    for (const c of [...database, ...host, ...cloud]) for (const a of args) refused(`${c} ${a}`);
    assert.match(shellDanger('psql -c "SELECT * FROM v"')!, /'sql:' step/);
    assert.match(shellDanger('mariadb --execute="SELECT 1"')!, /'sql:' step/);
    assert.match(shellDanger('ssh db1 uptime')!, /'target:'/);
    assert.match(shellDanger('echo x | ssh db1 sh')!, /'target:'/);
    assert.match(shellDanger('ssh db1 rm -rf /srv')!, /looks destructive/, 'what acts remotely is still seen acting');
  });

  test('curl is never proven (a network client); only a GET/HEAD of literal http(s) URLs may be vouched for', () => {
    const acting = (s: string) => assert.match(shellDanger(s) ?? '', /looks destructive/, `should be seen acting: ${s}`);
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) acting(`curl -q -X ${m} ${URL}`);
    for (const o of ['-d a=1', '-o f', '--upload-file f']) acting(`curl -q ${o} ${URL}`);
    for (const scheme of ['gopher', 'telnet', 'dict', 'ftp', 'ftps', 'smtp', 'smtps', 'imap', 'pop3', 'ldap', 'mqtt', 'scp', 'sftp', 'tftp', 'file', 'rtsp', 'ws']) refused(`curl -q -s ${scheme}://127.0.0.1/_POST`);
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'get', '$m']) { refused(`curl -q -X ${m} ${URL}`); refused(`curl -q --request=${m} ${URL}`); refused(`curl -q -sX${m} ${URL}`); }
    for (const o of ['--json {}', '-d a=1', '--data-raw x', '--data-binary @f', '--data-urlencode a=b', '-F a=b', '--form a=b', '-T f', '--upload-file f',
      '-K -', '--config -', '-o f', '-O', '--output f', '-c jar', '--cookie-jar jar', '-D h', '--dump-header h', "-w '%output{f}x'", '-w @fmt',
      '--proto =gopher', '--url gopher://x', '-q -K f', '-L', '--location', '-L --proto-redir =all', '-L --proto-redir "$p"',
      '-H @headers', '-H "$h"', "-H 'flush_all'", "-H $'X: 1\\r\\nSET a b'", "-A $'x\\nSET a b'"]) refused(`curl -q ${o} ${URL}`);
    for (const u of ['"$url"', '$u', 'http://$h', '"http://$h"$p', 'localhost', '127.0.0.1', '{gopher://a,http://b}', 'HTTP']) refused(`curl -q -s ${u}`);
    for (const s of [`curl -q -fsS ${URL}`, `curl -q -I ${URL}`, `curl -q -X HEAD ${URL}`, `curl --disable --request GET ${URL}`, `curl -q -s "http://$host:8080/health"`,
      `curl -q -s -w '%{http_code}' ${URL}`, `curl -q -sS --max-time 5 -H 'Accept: application/json' https://127.0.0.1/`]) {
      assert.match(shellDanger(s) ?? '', /a network client/, `never proven: ${s}`);
      assert.doesNotMatch(shellDanger(s) ?? '', /looks destructive/, `and safe_because may vouch for it: ${s}`);
    }
    for (const s of ['pg_isready -h 127.0.0.1', 'dig @127.0.0.1 -p 9999 +tcp example.org', 'host example.org 127.0.0.1', 'nslookup -vc example.org 127.0.0.1']) assert.match(stepDanger(s) ?? '', /a network client/, s);
    // Without -q (or --disable) first, curl reads ~/.curlrc, which may set any option: not proven.
    for (const s of [`curl -fsS ${URL}`, `curl -s -q ${URL}`, `curl -qs ${URL}`, `curl "$q" -s ${URL}`, `curl --disable=1 ${URL}`, `curl -- -q ${URL}`]) refused(s);
  });
});

describe('docker options that move the daemon (a probe of stop 72)', () => {
  test('--tls, --tlsverify and their files are not reviewed: with no host docker goes to tcp://localhost:2376', () => {
    for (const s of ['docker --tls ps', 'docker --tlsverify ps', 'docker --tls --tlscacert=/etc/ssl/certs/ca-certificates.crt ps',
      'docker --tlscacert /x ps', 'docker --tlscert=/x ps', 'docker --tlskey=/x ps', 'docker --tls=true ps']) refused(s);
    clean('docker ps');
  });
});

describe('the named examples of issue 28', () => {
  test('each is refused', () => {
    for (const s of ['sort --ou=F f', 'sed --in-pl s/a/b/ f', 'file --comp x', 'ss --dia=F', "su root -lc 'id'", 'su root <<EOF\nid\nEOF', 'runuser -l root <<EOF\nid\nEOF',
      "env --split='touch M'", "env -iS'touch M'", 'bash --rcfile <(echo id) -i', 'awk -W exec /dev/stdin', 'ip -batch -', 'sort --compress-program=sh f',
      '/usr/bin/time -o F true', 'flock F true', 'ionice -c 3 -p 1', "psql --command='UPDATE t SET a = 1'", 'psql --file=f', "mariadb --execute='DELETE FROM t'",
      "mariadb --init-command='DELETE FROM t' -e 'SELECT 1'", 'psql -c "SELECT * FROM v"', `curl --json '{}' ${URL}`, `curl --upload-file f ${URL}`,
      `curl --config - ${URL} <<EOF\nrequest = PATCH\nEOF`, 'curl gopher://127.0.0.1:9/_POST', 'curl telnet://127.0.0.1:9', 'ssh h <<EOF\nrm -rf x\nEOF', 'ssh h bash -s',
      'echo rm | ssh h sh', 'kubectl --cache-dir get scale deploy/app --replicas=0', 'docker --tlscacert logs exec c rm -rf /', 'systemctl --message status start x',
      'gcloud sql instances suspend db-1 --zone list', 'az vm run-command invoke -g g -n n --command-id RunShellScript --scripts id --query show',
      'service pg start status']) refused(s);
  });

  test('the reads the built-in runbooks use stay proven', () => {
    for (const s of ['systemctl status "$u" --no-pager --lines=0', 'systemctl is-active "$u"', 'journalctl -u "$u" -u "$u@*" -n 400 --no-pager',
      'ss -ltnH', 'ss -xlpH', "awk '{print $4}'", 'awk -v h="$hex" \'FNR > 1 && $4 == "0A" { print $2 }\' /proc/net/tcp', "awk '!seen[$0]++'",
      'awk \'/^(MemTotal|MemAvailable):/ { printf "%s %d MiB\\n", $1, $2 / 1024 }\' /proc/meminfo', 'df -hP / /var/lib/mysql', 'ps -eo args',
      'grep -oE "x|y" f', 'head -10', 'ip route get "$addr"', 'docker logs --tail 400 "$box"', 'kubectl logs --tail=400 -n "$ns" -- "$pod"',
      "df --output=pcent \"$d\" | tail -n 1 | tr -dc '0-9'", 'getconf _NPROCESSORS_ONLN', "cut -d' ' -f1-3 /proc/loadavg", "sed 's/^/  /'"]) clean(s);
  });
});
