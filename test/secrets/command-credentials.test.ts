// Credentials written into a command's own text are masked on every line a person reads (the start line, the
// gate, a dry run's plan, the transcript), as the gate masks a secret input — and what runs is unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { commandCredentials, maskCommandCredentials } from '../../src/secrets/command-credentials.js';
import { maskCommandText } from '../../src/engine/command-mask.js';
import type { RunEvent } from '../../src/engine/events.js';
import { Redactor } from '../../src/secrets/redactor.js';

const CASES: [string, string, string[]][] = [
  ["PGPASSWORD=x psql -c 'select 1'", "PGPASSWORD=**** psql -c 'select 1'", ['x']],
  ['psql postgres://u:pw4567@h/db', 'psql postgres://u:****@h/db', ['pw4567']],
  ["mysql -pSECRET -e 'select 1'", "mysql -p**** -e 'select 1'", ['SECRET']],
  ["mysql -u root -p'se-cret' db", "mysql -u root -p'****' db", ['se-cret']],
  ['export MYSQL_PWD="abc!def"; mysql', 'export MYSQL_PWD="****"; mysql', ['abc!def']],
  ['DB_PASSWORD=s3 ./app && API_TOKEN=t0k ./b', 'DB_PASSWORD=**** ./app && API_TOKEN=**** ./b', ['s3', 't0k']],
  ['curl --password=hunter2 x', 'curl --password=**** x', ['hunter2']],
  ['redis-cli -h h -a s3cr3t ping', 'redis-cli -h h -a **** ping', ['s3cr3t']],
  // Not credentials: a reference, the working directory, a SQL comparison, a port, a URL without a password.
  ['PGPASSWORD=$PW psql', 'PGPASSWORD=$PW psql', []],
  ['PWD=/tmp ls', 'PWD=/tmp ls', []],
  ['SELECT * FROM t WHERE auth=1', 'SELECT * FROM t WHERE auth=1', []],
  ['mysql --port 3306 -P 3306', 'mysql --port 3306 -P 3306', []],
  ['echo http://host:8080/path@x', 'echo http://host:8080/path@x', []],
  // Code is not a credential: a value bash expands is shown as written (a probe's gate showed `"****"` and ran it).
  ['echo --password="$(touch ran-hidden)" done', 'echo --password="$(touch ran-hidden)" done', []],
  // Nor a value a reader may take for code (a probe of stop 78: the gate showed `'****'` and bash ran it): one with a
  // blank or a shell character, or one whose variable the script expands (it may be a command there).
  ["API_TOKEN='touch F'\n$API_TOKEN", "API_TOKEN='touch F'\n$API_TOKEN", []],
  ["eval echo --password='$(touch F)'", "eval echo --password='$(touch F)'", []],
  ['API_TOKEN=reboot; $API_TOKEN', 'API_TOKEN=reboot; $API_TOKEN', []],
  ["mysql -u root -p'se cret' db", "mysql -u root -p'se cret' db", []],
  ['redis-cli -a -o x', 'redis-cli -a -o x', []],
  ["env 'PGPASSWORD=a;b' psql", "env 'PGPASSWORD=a;b' psql", []],
  ['PGPASSWORD="$(touch r; echo x)" true', 'PGPASSWORD="$(touch r; echo x)" true', []],
  ['echo mysql -p"$(touch r)"', 'echo mysql -p"$(touch r)"', []],
  ['PGPASSWORD=a`id`b true', 'PGPASSWORD=a`id`b true', []],
  ['psql postgres://u:$(id)@h/db', 'psql postgres://u:$(id)@h/db', []],
  ["PGPASSWORD='$(not code)' psql", "PGPASSWORD='$(not code)' psql", []], // literal here, code to an eval: shown
  // More forms a probe found shown as written.
  ["PGPASSWORD=$'Hunt3rXyz' psql", 'PGPASSWORD=**** psql', ['Hunt3rXyz']],
  ['psql "host=127.0.0.1 port=1 user=app password=Hunt3rXyz"', 'psql "host=127.0.0.1 port=1 user=app password=****"', ['Hunt3rXyz']],
  ["psql 'postgresql:///db?user=app&password=Hunt3rXyz'", "psql 'postgresql:///db?user=app&password=****'", ['Hunt3rXyz']],
  ['curl -u admin:Hunt3rXyz http://127.0.0.1:1/', 'curl -u admin:**** http://127.0.0.1:1/', ['Hunt3rXyz']],
  ['curl --user admin:Hunt3rXyz http://127.0.0.1:1/', 'curl --user admin:**** http://127.0.0.1:1/', ['Hunt3rXyz']],
  ["curl -H 'Authorization: Bearer abc.Hunt3rXyz' http://x", "curl -H 'Authorization: Bearer ****' http://x", ['abc.Hunt3rXyz']],
  ['redis-cli -aHunt3rXyz ping', 'redis-cli -a**** ping', ['Hunt3rXyz']],
  ['redis-cli --pass Hunt3rXyz ping', 'redis-cli --pass **** ping', ['Hunt3rXyz']],
  ['mongosh --password Hunt3rXyz db', 'mongosh --password **** db', ['Hunt3rXyz']],
  ['sshpass -pHunt3rXyz ssh h', 'sshpass -p**** ssh h', ['Hunt3rXyz']],
  ['DB_PASS=Hunt3rXyz ./app', 'DB_PASS=**** ./app', ['Hunt3rXyz']],
  ["env 'PGPASSWORD=Hunt3rXyz' psql", "env 'PGPASSWORD=****' psql", ['Hunt3rXyz']],
];

test('command credentials: each form masked where it stands, its value found; other text unchanged', () => {
  for (const [input, shown, values] of CASES) {
    assert.equal(maskCommandCredentials(input), shown, input);
    assert.deepEqual(commandCredentials(input), values, input);
  }
});

// echo stands in for the clients (none needs a server here); it echoes the credentials back, as output.
const SCRIPT = "PGPASSWORD=x echo psql postgres://u:pw4567@127.0.0.1:1/db -c 'select 1'; echo mysql -pSECRETPW -e 'select 1'";

test('a run shows and records none of them: start line, gate, plan, output and transcript (real run and dry run)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-cred-'));
  try {
    const file = join(dir, 'cred.yaml');
    writeFileSync(file, `name: cred\ntitle: Credentials in a command\nsteps:\n  - id: look\n    title: Look\n    shell: ${JSON.stringify(SCRIPT)}\n    destructive: true\n    next: done\n    on: { skipped: stop }\n  - id: stop\n    end: escalate\n    message: skipped\n  - id: done\n    end: resolved\n    message: ok\n`);
    for (const args of [['--approve', 'look'], ['--dry-run']]) {
      const r = cli(['run', file, '--plain', '--transcript', join(dir, `t${args[0]}.jsonl`), ...args], { cwd: dir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const t = readFileSync(join(dir, `t${args[0]}.jsonl`), 'utf8');
      for (const [what, text] of [['stdout', r.stdout], ['transcript', t]] as const) {
        assert.match(text, /PGPASSWORD=\*\*\*\* echo psql postgres:\/\/u:\*\*\*\*@127\.0\.0\.1/, `${what} ${args[0]}`);
        assert.match(text, /mysql -p\*\*\*\*/, `${what} ${args[0]}`);
        assert.doesNotMatch(text, /PGPASSWORD=x|pw4567|SECRETPW/, `${what} ${args[0]}:\n${text}`);
      }
      assert.match(r.stdout, /start +look \[shell\]: PGPASSWORD=\*\*\*\*/);
      if (args[0] === '--approve') assert.match(r.stdout, /\| psql postgres:\/\/u:\*\*\*\*@127[^\n]*\n *\| mysql -p\*\*\*\* -e select 1/, 'output echoing them is masked by value');
    }
    assert.ok(readdirSync(dir).length >= 3);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a credential whose text the command holds elsewhere is masked where it stands only: the code there stays shown', () => {
  const redactor = new Redactor();
  const command = "PGPASSWORD='rm-rf' true; mkdir -p victim-dir; rm-rf ./victim-dir; touch ran";
  const event = maskCommandText(redactor, { type: 'step-started', stepId: 'a', command } as unknown as RunEvent) as { command: string };
  assert.equal(redactor.mask(event.command), "PGPASSWORD='****' true; mkdir -p victim-dir; rm-rf ./victim-dir; touch ran");
  // A credential written once is masked by value too, wherever output echoes it.
  const once = maskCommandText(redactor, { type: 'step-started', stepId: 'b', command: 'PGPASSWORD=hunter22 psql' } as unknown as RunEvent) as { command: string };
  assert.equal(redactor.mask(once.command), 'PGPASSWORD=**** psql');
  assert.equal(redactor.mask('the output says hunter22'), 'the output says ****');
});
