// The shell safety lint reads words the way bash does: no spelling of a destructive command — quoted, escaped,
// concatenated, behind a wrapper, inside a substitution or a string handed to eval / bash -c — reads clean,
// and a command the lint cannot read (built from a variable, a pattern) counts as dangerous.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';
import { parseScript } from '../../src/language/shell-words.js';
import type { ShellSql } from '../../src/language/validate/shell-read-only.js';

const flagged = (script: string) => assert.ok(shellDanger(script), `should be flagged: ${script}`);
const clean = (script: string) => assert.equal(shellDanger(script), undefined, `should be clean: ${script}`);

/** Spellings bash reads as the same word (each verified against bash itself below). */
function spellings(word: string): string[] {
  const [a, b] = [word.slice(0, 1), word.slice(1)];
  const hex = [...word].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join('');
  const oct = [...word].map((c) => `\\${c.charCodeAt(0).toString(8)}`).join('');
  return [
    word, `'${word}'`, `"${word}"`, `\\${word}`, `${a}''${b}`, `${a}""${b}`, `"${a}"${b}`, `'${a}'"${b}"`, `${a}\\${b}`,
    `$'${hex}'`, `$'${oct}'`, `$"${word}"`, `${a}$''${b}`, `/bin/${word}`, `/usr/bin/${a}''${b}`, `./${word}`,
    `\\\n${word}`, `${a}\\\n${b}`,
  ];
}

describe('shell words', () => {
  test('every spelling reads as the word bash runs (checked against bash)', () => {
    for (const word of ['rm', 'kill', 'systemctl']) {
      for (const s of spellings(word)) {
        const bash = spawnSync('bash', ['-c', `printf '%s' ${s}`], { encoding: 'utf8' }).stdout;
        const words = parseScript(s).commands[0]?.words.map((w) => w.text);
        assert.deepEqual(words, [bash], `${JSON.stringify(s)}: bash reads ${JSON.stringify(bash)}`);
      }
    }
  });

  test('command substitutions, backticks, process substitutions and here-documents are parsed as scripts', () => {
    const names = (s: string) => parseScript(s).commands.map((c) => c.words.find((w) => !w.text.includes('='))?.text).filter(Boolean).sort();
    assert.deepEqual(names('echo "$(rm -f x)"'), ['echo', 'rm']);
    assert.deepEqual(names('echo `kill 1`'), ['echo', 'kill']);
    assert.deepEqual(names('diff <(ls a) >(tee b)'), ['diff', 'ls', 'tee']);
    assert.deepEqual(names('cat <<EOF\n$(rm x)\nEOF\necho after'), ['cat', 'echo', 'rm']);
    assert.deepEqual(names("cat <<'EOF'\n$(rm x)\nEOF\necho after"), ['cat', 'echo']);
    assert.deepEqual(names('for f in $(rm a); do echo "$f"; done'), ['echo', 'rm']);
    assert.deepEqual(names('case $x in a) rm y;; b|c) ls;; esac'), ['ls', 'rm']);
    assert.deepEqual(names('if [[ -f x ]]; then rm x; fi'), ['[[', 'rm']); // a [[ … ]] test is read as a command of its own
    assert.deepEqual(names('f() { rm x; }; f'), ['f', 'rm']);
    assert.deepEqual(names('a=(one $(kill 2)); x=$(( $(rm q) + 1 ))'), ['kill', 'rm']);
    assert.deepEqual(names('echo ${x:-$(rm d)}'), ['echo', 'rm']);
  });
});

describe('shell safety lint', () => {
  test('every spelling of a destructive command, in every command position, is flagged', () => {
    const positions = [
      (c: string) => c, (c: string) => `true; ${c}`, (c: string) => `true && ${c}`, (c: string) => `false || ${c}`,
      (c: string) => `echo x | ${c}`, (c: string) => `echo "$(${c})"`, (c: string) => `echo \`${c}\``,
      (c: string) => `if true; then ${c}; fi`, (c: string) => `while false; do ${c}; done`, (c: string) => `( ${c} )`,
      (c: string) => `{ ${c}; }`, (c: string) => `X=1 ${c}`, (c: string) => `sudo ${c}`, (c: string) => `sudo -u postgres ${c}`,
      (c: string) => `env A=1 ${c}`, (c: string) => `command ${c}`, (c: string) => `exec ${c}`, (c: string) => `nohup ${c} &`,
      (c: string) => `timeout 5 ${c}`, (c: string) => `timeout -s KILL 5s ${c}`, (c: string) => `echo d | xargs ${c}`,
      (c: string) => `nice -n 5 ${c}`, (c: string) => `cat <(${c})`, (c: string) => `! ${c}`, (c: string) => `time ${c}`,
      (c: string) => `eval '${c.replaceAll("'", "'\\''")}'`, (c: string) => `bash -c '${c.replaceAll("'", "'\\''")}'`,
      (c: string) => `sh -ec '${c.replaceAll("'", "'\\''")}'`, (c: string) => `su postgres -c '${c.replaceAll("'", "'\\''")}'`,
      (c: string) => `bash <<EOF\n${c}\nEOF`, (c: string) => `case x in x) ${c};; esac`, (c: string) => `ssh db1 ${c}`,
      (c: string) => `find /x -exec ${c} {} \\;`, (c: string) => `watch -n 1 ${c}`, (c: string) => `busybox ${c}`,
    ];
    let n = 0;
    for (const word of ['rm', 'kill', 'pkill', 'shutdown']) {
      for (const spelled of spellings(word)) {
        for (const at of positions) { flagged(at(`${spelled} -f target`)); n++; }
      }
    }
    assert.ok(n > 2000);
  });

  test('sub-commands and verbs are read through quotes too', () => {
    for (const s of ['systemctl "restart" nginx', "systemctl re''start nginx", 'sys"temctl" st\\op x', 'service nginx "re"start',
      "docker 'rm' -f c", 'kubectl dele""te pod x', 'curl -X "DE"LETE http://x', 'sudo systemctl $\'\\x72estart\' x',
      'find . -name x -delete', 'sed -i s/a/b/ /etc/x', 'echo x | tee /etc/passwd', 'echo x > /etc/motd', "echo x >'/var/lib/x'",
      'awk \'BEGIN { system("id") }\'', 'dd if=/dev/zero of=x', 'crontab -r', 'crontab new.txt', 'crontab -l -r']) flagged(s);
  });

  test('a command the lint cannot read is flagged: variables, substitutions, patterns, eval of values, piped scripts', () => {
    for (const s of ['$X -rf dir', '${cmd} dir', '"$RM" x', '$(echo rm) -rf x', '`echo rm` x', 'x=rm; $x -rf d', 'sudo $CMD',
      'eval "$cmd"', 'eval $1', 'bash -c "$code"', 'sh -c "${{ inputs.code }}"', '${{ inputs.tool }} -rf /srv', '/bin/r? -rf x',
      '/bin/{r,}m x', '{rm,-rf,x}', 'curl -s http://x/install | bash', 'cat x | sh', 'bash < script.sh', 'python3 -c "import os"',
      'perl -e "unlink q(x)"', 'node -e "1"', 'env -S "rm -rf x"', 'systemctl $ACTION nginx', 'xargs $TOOL', 'timeout 5 $T x',
      'sh <<< "$code"', 'source /dev/stdin <<< "$code"', '. <(curl -s http://x/fix)', 'printf rm | xargs -I{} {} -rf x',
      `x='$(id)'; echo "\${x@P}"`, `x='a[$(id)]'; (( x ))`, "declare -i n='a[$(id)]'", 'python3 <<EOF\nimport os\nEOF', 'curl -s x | python3',
      'perl < fix.pl', `echo ${'$('.repeat(5000)}id`, `echo ${'"${x:-'.repeat(5000)}`]) flagged(s);
  });

  test('code in aliases, traps and sourced here-documents is read like any script', () => {
    for (const s of ['shopt -s expand_aliases; alias x="r\'\'m"; x -rf d', "trap 'rm -rf x' EXIT", 'source /dev/stdin <<EOF\nkill 1\nEOF',
      'time -p shred x', 'builtin eval "shred x"', 'command -p shred x']) flagged(s);
    for (const s of ["trap 'echo bye' EXIT", 'alias', 'command -v shred']) clean(s);
    // An alias definition is never proven (shell-alias.test.ts): its text joins the lines after it.
    assert.ok(shellDanger('alias ll="ls -l"'));
  });

  test('ordinary read-only scripts stay clean', () => {
    for (const s of [
      'systemctl is-active ${{ inputs.service }} || true', 'echo "$HOME"', 'ls -la /var/lib', 'grep -c x /var/log/syslog',
      'cat <<EOF\nkill rm and restart are words here\nEOF', "printf '%s\\n' a b", 'test -f x && echo yes', '[ -n "$x" ] || echo none',
      'command -v systemctl >/dev/null 2>&1', 'ss -ltnp 2>&1 | grep 5432',
      'units=${{ inputs.units }}; for u in $units; do journalctl -u "$u" -n 40 --no-pager; done', 'x=$(date +%s); echo "$x"',
      'ip route get "$addr" || true', 'echo hi >&2', 'cat file 2>/dev/null', 'ps aux | grep "[p]ostgres"', 'timeout 5 ss -ltn',
      'sudo pg_lsclusters', 'env LANG=C df -h', 'echo "# not a comment" # a comment: rm -rf /',
      'awk \'{ print $1 }\' /proc/loadavg', 'find /var/log -name "*.log" -mtime -1', "bash -o pipefail -c 'ls | wc -l'", 'crontab -l', 'crontab -u postgres -l',
    ]) clean(s);
  });

  test('a command not known to only read needs marking: the lint is a list of reads, not of dangers', () => {
    for (const s of [
      'mv a b', 'cp /dev/null /var/lib/x', 'chmod 000 f', 'chown x f', 'ln -sf /dev/null f', 'touch f', 'mkdir d', 'install -m0 a b',
      'git -C /srv/app reset --hard', 'rsync -a --delete a/ b/', 'tar xf a.tar', './fix.sh', 'python3 check.py', 'bash ./check.sh',
      'source /etc/default/app', '. ./env.sh', 'pg_ctl promote -D d', 'mysqladmin flush-hosts', 'nc 127.0.0.1 5432 < f', 'wget http://x/',
      'sudo mv a b', 'timeout 5 chmod 0 f', 'xargs -n1 touch', 'echo "$(cp a b)"',
      // bash's own socket: anything may be written to it once open, whatever the redirection's direction
      'exec 3<>/dev/tcp/127.0.0.1/5432 && echo open', 'exec 3</dev/tcp/127.0.0.1/6379; echo FLUSHALL >&3', 'echo x > /dev/udp/127.0.0.1/53',
      // a program at a path is not the reviewed command of that name
      './cat f', 'bin/grep x f', '/tmp/ls', '~/bin/cat f',
      // arithmetic bash evaluates on a value read at run time (each ran code from a file's content)
      'x=$(cat f); echo $(( x ))', 'x=$(cat f); [[ $x -eq 1 ]]', 'x=$(cat f); a=(1); echo "${a[$x]}"', 'x=$(cat f); s=abc; echo "${s:$x}"',
      'for ((i=0; i<n; i++)); do echo; done', 'echo $[x]', 'a[$i]=1', 'declare -i n=1', 'coproc cat f',
    ]) flagged(s);
  });

  test('read-only commands with the options that make them write are flagged', () => {
    for (const s of [
      'cat f > /tmp/out', 'echo x >> "$out"', 'ls &> f', 'echo x >| f', 'sort -o f f', 'sort --output=f f', 'uniq a b', 'date -s now',
      'date --set=2020-01-01', 'hostname evil', 'curl -sXDELETE http://x', 'curl -X POST http://x', 'curl --request PUT http://x',
      'curl -d a=1 http://x', 'curl --data-binary @f http://x', 'curl -o f http://x', 'curl -sSfo f http://x', 'curl -T f ftp://x',
      'curl --json {} http://x', 'sed s/a/b/w\ out f', "sed -e '1e id' f", 'sed -i s/a/b/ f', "awk '{ print $1 > \"out\" }' f",
      'ip link set eth0 down', 'ip route add 10.0.0.0/8 via x', 'ip -batch f', 'systemctl start pg', 'systemctl enable pg',
      'docker compose down', 'docker exec c rm x', 'kubectl config use-context prod', 'kubectl exec p -- rm x', 'service pg start',
      'journalctl --vacuum-size=1M', 'openssl x509 -in c -out d', 'pg_ctlcluster 15 main promote',
    ]) flagged(s);
    for (const s of ['sed -n "/error/p" f',
      "sed 's/e/w/g' f", 'date +%s', 'hostname -f', 'systemctl status pg', 'docker container ls', 'kubectl config current-context',
      'journalctl -u pg -n 5 --no-pager', 'openssl x509 -in c.pem -noout -enddate', 'service pg status', 'uniq -c f',
      'kubectl -n db get pods', 'kubectl --context prod -n db logs postgres-0', 'pg_ctl -D /var/lib/pg status']) clean(s);
    // A client sent to an address the author writes is a network client (ssh://, tcp://: whatever listens), and
    // sudo -b leaves the command running in a group of its own: not proven (a probe's findings).
    for (const s of ['docker -H unix:///x ps', 'docker --host=tcp://127.0.0.1:1 inspect x', 'systemctl -H db1 status pg', 'systemctl --machine=c status pg',
      'kubectl -s http://127.0.0.1:1 get pods', 'kubectl --server=http://127.0.0.1:1 get pods', 'sudo -b sleep 1']) flagged(s);
    for (const s of ['kubectl -n db delete pod x', 'kubectl --context prod exec p -- ls', 'pg_ctl -D /var/lib/pg promote', 'vault write secret/app x=1', 'aws ssm put-parameter --name x', 'gcloud sql instances delete x', 'az keyvault secret set --name x']) flagged(s);
  });

  test('SQL handed to psql or mysql is returned for the SQL classifier; SQL the lint cannot see needs marking', () => {
    const sql = (s: string) => { const out: ShellSql[] = []; const found = shellDanger(s, out); return { found, out }; };
    // A database client is never proven a read by the shell lint (an sql: step is), but its SQL is still classified.
    assert.deepEqual(sql('psql "$URL" -tAc "select 1"').out, [{ engine: 'postgres', text: 'select 1' }]);
    assert.match(sql('psql "$URL" -tAc "select 1"').found ?? '', /database client .* 'sql:' step/);
    assert.deepEqual(sql('psql --command="UPDATE t SET a = 1"').out, [{ engine: 'postgres', text: 'UPDATE t SET a = 1' }]);
    assert.deepEqual(sql('mysql -psecret -NBe "SELECT 1"').out, [{ engine: 'mysql', text: 'SELECT 1' }]);
    assert.deepEqual(sql("mariadb --execute 'SELECT 2'").out, [{ engine: 'mysql', text: 'SELECT 2' }]);
    assert.deepEqual(sql("psql <<'SQL'\nDELETE FROM t\nSQL").out, [{ engine: 'postgres', text: 'DELETE FROM t\n' }]);
    assert.deepEqual(sql('sudo -u postgres psql -c "select 2"').out, [{ engine: 'postgres', text: 'select 2' }]);
    for (const s of ['psql -f fix.sql', 'psql < fix.sql', 'cat fix.sql | psql', 'mysql app < fix.sql', 'psql -c "$SQL"', 'psql -c "select $x"',
      'psql <<SQL\nselect $x\nSQL', 'psql -o out -c "select 1"', 'psql -c "\\! rm -rf /"', 'psql -c "\\copy t to \'f\'"',
      'mysql -e "system rm -rf /"', 'mysql -e "select 1; tee /tmp/x"', 'mysql --tee=/tmp/x -e "select 1"']) assert.ok(sql(s).found, s);
  });

  test('validate classifies SQL in psql -c / mysql -e with the engines\' parsers; safe_because cannot vouch for it', async () => {
    const { parseRunbook } = await import('../../src/language/runbook.js');
    const check = (shell: string, extra = '') => parseRunbook(`name: t\ntitle: T\nsteps:\n  - id: s\n    shell: ${JSON.stringify(shell)}\n${extra}  - id: done\n    end: resolved\n`, 't.yaml')
      .diagnostics.filter((d) => (d.code === 'unsafe-unmarked' || d.code === 'sql-one-statement') && !/database client runs what it is given/.test(d.message));
    assert.deepEqual(check('psql "$DATABASE_URL" -Atc "SELECT count(*) FROM pg_stat_activity"'), []);
    assert.deepEqual(check('mysql -NBe "SHOW PROCESSLIST"'), []);
    for (const [shell, words] of [
      ['psql "$DATABASE_URL" -c "UPDATE accounts SET balance = 0"', /UPDATE statement, through a database client/],
      ['psql -c "select pg_terminate_backend(pid) from pg_stat_activity"', /pg_terminate_backend/],
      ['mysql -e "ALTER TABLE t ENGINE=InnoDB"', /through a database client/],
      ['psql -c "SELECT 1; DELETE FROM t"', /2 SQL statements/],
    ] as const) {
      for (const extra of ['', "    destructive: false\n    safe_because: it only reads\n"]) {
        const found = check(shell, extra);
        assert.equal(found.length, 1, `${shell} ${extra}: ${JSON.stringify(found)}`);
        assert.match(found[0]!.message, words);
        assert.deepEqual([found[0]!.line, found[0]!.col], [5, 12]);
      }
    }
  });

  test('setting a variable that decides what runs (PATH, BASH_ENV, LD_PRELOAD, PS4, …) cannot be read', async () => {
    for (const s of ['PATH=./bin:$PATH cat f', 'export PATH=/tmp/x:$PATH; cat f', 'BASH_ENV=./hook.sh bash -c "echo hi"',
      'env LD_PRELOAD=./x.so ls', 'declare -x PS4=\'$(id)\'', 'PSQLRC=./rc psql -c "select 1"', 'IFS=/ ; echo x']) flagged(s);
    for (const s of ['LANG=C df -h', 'export PGCONNECT_TIMEOUT=5; ss -ltn', 'env TZ=UTC date']) clean(s);
    const { parseRunbook } = await import('../../src/language/runbook.js');
    const found = parseRunbook('name: t\ntitle: T\nsteps:\n  - id: s\n    shell: { run: cat f, env: { BASH_ENV: ./hook.sh } }\n  - id: done\n    end: resolved\n', 't.yaml')
      .diagnostics.filter((d) => d.code === 'unsafe-unmarked');
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.match(found[0]!.message, /env 'BASH_ENV'/);
  });

  test('safe_because vouches only for what the lint cannot read, never for a command that acts', async () => {
    const { parseRunbook } = await import('../../src/language/runbook.js');
    const check = (shell: string) => parseRunbook(`name: t\ntitle: T\nsteps:\n  - id: s\n    destructive: false\n    safe_because: trust me\n    shell: ${JSON.stringify(shell)}\n  - id: done\n    end: resolved\n`, 't.yaml')
      .diagnostics.filter((d) => d.code === 'unsafe-unmarked');
    for (const shell of ['rm -rf /var/lib/postgresql', 'echo ok; kill 1', 'x=$(cat f); $x; rm -f a', 'r\'\'m -r d', 'bash -c "systemctl stop pg"',
      'echo x > /etc/hosts', 'curl -X DELETE http://127.0.0.1/x', 'mv a b; find / -delete', 'sudo -u postgres pg_ctl stop']) {
      const found = check(shell);
      assert.equal(found.length, 1, `${shell}: ${JSON.stringify(found)}`);
      assert.match(found[0]!.message, /cannot vouch for a command that acts/);
      assert.deepEqual([found[0]!.line, found[0]!.col], [6, 19], 'at the safe_because');
    }
    for (const shell of ['$TOOL --check', './check.sh', 'echo $$ >> "$out"', 'mv a b', 'python3 check.py']) assert.deepEqual(check(shell), [], shell);
  });

  test('the built-in runbooks and examples validate with no safety finding', async () => {
    const { readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { readRunbook } = await import('../../src/language/runbook.js');
    const root = join(import.meta.dirname, '..', '..', 'runbooks');
    const files = [root, join(root, 'examples')].flatMap((d) => readdirSync(d).filter((n) => n.endsWith('.yaml') && !n.includes('.cases.')).map((n) => join(d, n)));
    assert.ok(files.length >= 5);
    for (const file of files) {
      const found = readRunbook(file).diagnostics.filter((d) => d.code === 'unsafe-unmarked');
      assert.deepEqual(found.map((d) => d.message), [], file);
    }
  });
});

describe('shell lint on arbitrary text', () => {
  test('never throws, whatever the script (seeded random scripts from shell metacharacters)', () => {
    let seed = 1234567;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const alphabet = ["'", '"', '\\', '$', '(', ')', '{', '}', '`', ';', '&', '|', '<', '>', '\n', ' ', '#', '=', '[', ']', '*', '?',
      'rm', 'eval', 'bash -c ', 'sudo ', '<<EOF\n', 'EOF', '$(', '${', '$((', '))', 'case ', ' in ', 'esac', 'x', '-rf', '${{ inputs.a }}', '@P}'];
    for (let n = 0; n < 3000; n++) {
      const script = Array.from({ length: 1 + rand(30) }, () => alphabet[rand(alphabet.length)]).join('');
      assert.doesNotThrow(() => shellDanger(script), script);
    }
  });
});

describe('#13 audit: a read command that can still run or write, and code bash evaluates in arguments', () => {
  /** Scripts that validated clean and ran a hidden command: each is run by bash first (it must create M in a
   *  scratch directory, so the attack is real), then linted. */
  const REAL: string[] = [
    "let 'x[$(touch M)]=1'", "[ -v 'y[$(touch M)]' ]", "test -v 'y[$(touch M)]'", "[[ -v 'y[$(touch M)]' ]]", "[[ 'y[$(touch M)]' -eq 1 ]]",
    "printf -v 'x[$(touch M)]' %s 1", "printf -v'x[$(touch M)]' %s 1", "read 'x[$(touch M)]' < /dev/null", "declare 'x[$(touch M)]=1'",
    "typeset 'x[$(touch M)]=1'", "f() { local 'f[$(touch M)]=1'; }; f", "a['$(touch M)']=1", "x=(['$(touch M)']=1)",
    "a=(1); echo \"${a['$(touch M)']}\"", "s=abc; echo \"${s:'x[$(touch M)]'}\"", "echo ${!a['$(touch M)']}", "echo $(( 'x[$(touch M)]' ))",
    "case x in ${a['$(touch M)']}) ;; esac", "n=$(printf '%s' 'y[$(touch M)]'); [ -v \"$n\" ]",
    "ssh -o ProxyCommand='touch M' -o BatchMode=yes nohost true", "ssh -oProxyCommand='touch M' -oBatchMode=yes nohost true",
    "ssh -F ./ssh.cfg -o BatchMode=yes nohost true", "printf -- '-o\\nM\\nfile:///etc/hostname\\n' | xargs curl -s",
    "awk 'BEGIN { c = \"touch M\"; c | getline }'", "hash -p /usr/bin/touch cat; cat M",
  ];
  test('each hides a command bash really runs, and the lint flags it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-lint-real-'));
    try {
      writeFileSync(join(dir, 'ssh.cfg'), 'Host nohost\n  ProxyCommand touch M\n');
      for (const script of REAL) {
        rmSync(join(dir, 'M'), { force: true });
        spawnSync('bash', ['-c', script], { cwd: dir, stdio: 'ignore', timeout: 30_000 });
        assert.ok(existsSync(join(dir, 'M')), `bash did not run the hidden command: ${script}`);
        flagged(script);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('options that write, kill or run a program are known for every allowed command', () => {
    for (const script of [
      'ss -K dst 10.9.9.9', 'ss -tK dst 10.9.9.9', 'ss --kill state established', 'ss -D /tmp/dump', 'rg --pre ./evil.sh foo .',
      'rg --hostname-bin=./evil x', 'sort --compress-program=./evil big', 'sort -o /tmp/x a', 'file -C -m ./magic', 'journalctl --cursor-file=/tmp/c -n 1',
      "curl -s -w '%output{/tmp/x}x' http://h/", "curl -s --write-out '%output{/tmp/x}' http://h/", 'curl --ssl-sessions /tmp/s http://h/',
      "psql -v 'x=1]] AS a, pg_terminate_backend(1) AS b --' <<'EOF'\nSELECT ('{1,2}'::int[])[1:x]\nEOF", "psql --set=x=1 -c 'SELECT :x'",
      "psql --variable x=1 -c 'SELECT 1'", "mysql --defaults-file=./my.cnf -e 'SELECT 1'", "mysql --defaults-extra-file=./my.cnf -e 'SELECT 1'",
      "mysql --plugin-dir=./p --default-auth=evil -e 'SELECT 1'", 'mysqladmin status flush-hosts', 'mysqladmin processlist kill 5',
      "awk -l ./evil.so 'BEGIN {}'", "gawk '@load \"./evil\"; BEGIN {}'", "awk -i ./inc.awk 'BEGIN {}'", "awk 'BEGIN { print \"x\" |& \"cat\" }'",
      'openssl s_client -engine ./evil.so -connect h:443', 'openssl x509 -config ./evil.cnf -in c.pem', 'kubectl --kubeconfig ./evil get pods',
      'docker --config ./evil ps', 'HOME=./evil curl -s http://h/', 'KUBECONFIG=./evil kubectl get pods', 'let n=1', 'let n=n+1',
      "ssh -o LocalCommand='touch x' -o PermitLocalCommand=yes h true", "ssh -o KnownHostsCommand='touch x' h true",
      "ssh -o RemoteCommand='rm -rf /' h", 'ssh -o PKCS11Provider=./evil.so h true', 'ssh -I ./evil.so h true', 'ssh -E /tmp/log h true',
      'ssh -M -S /tmp/ctl h true', 'echo x | xargs curl -s', 'find . -name x | xargs sed -n p', 'hash -p ./evil cat',
      'n=$(cat f); read "$n" < /dev/null', 'n=$(cat f); printf -v "$n" %s 1', 'n=$(cat f); unset "$n"',
    ]) flagged(script);
  });

  test('reads stay reads: tests, prints, plain names, connection options, regular expressions, xargs into a reader', () => {
    for (const script of [
      '[[ -f /etc/hostname ]] && echo yes', '[[ $state == stop ]] || echo other', 'test -n "$x"', '[ "$a" -eq 1 ]', 'read -r line < /etc/hostname',
      'read -r -a parts < /etc/hostname', 'printf -v out %s x', "printf '%s %d\\n' \"$a\" 5", 'echo restart', 'unset x y',
      "awk '/^(MemTotal|MemAvailable)/ {print $2}' /proc/meminfo", "awk -F'|' '{print $2}' f", "awk '$1 > 5 || $2 < 3' f",
      'find . -name x | xargs cat', 'ls | xargs -n1 basename', 'sort /etc/hosts', 'sort -u -k2 f', 'ss -ltn', 'ss -tanp',
      'date -Is', 'file /etc/hostname',
    ]) clean(script);
  });
});
