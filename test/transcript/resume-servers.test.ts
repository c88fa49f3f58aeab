// A resumed run acts on what it started on (issue #46), against real servers of both engines. The run's database
// comes from the environment (DATABASE_URL, or the same line in an --env-file): resumed with the variable naming
// another database, the resume is refused before anything runs, naming both servers without their passwords
// (the connection made from it answers as another database; test/transcript/resume-place.test.ts has the same
// variable used by shell steps alone, refused by name); with --retarget it continues there, the destructive step asking again (approved here by name),
// and the write lands where the operator now pointed it, once. The same with the writes made by the database's
// own client in destructive shell steps (psql "$DATABASE_URL", mariadb with the URL's parts): the engine makes no
// connection of it, and still refuses by the variable, naming both servers; --retarget writes once, there.
// Then targets spelled in no form the engine knows (a libpq keyword string, a jdbc: URL, a name alone, another
// HOME's client config), refused by the variable; and the run's other places on real servers: another working
// directory whose relative file names another database, another RUNBOOK_PATH that finds another helper.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import pg from 'pg';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, until } from './helpers.js';

/** The step every runbook here is stopped in: it waits for the test's go file. */
const WAIT = (go: string) => `  - id: wait
    destructive: false
    safe_because: waits for the test's go file, and reads nothing else
    shell: while [ ! -e ${go} ]; do sleep 0.1; done`;

/** `last`: the step after the wait (a write, or a call). */
const RUNBOOK = (go: string, title = 'Writes to the database the environment names', last = `  - id: act
    destructive: true
    sql: { query: "INSERT INTO place_marks (step) VALUES ('act')" }`) => `name: servers
title: ${title}
inputs:
  db: { secret: true, env: DATABASE_URL }
connections:
  app: { url: "\${{ inputs.db }}" }
steps:
  - id: first
    destructive: true
    sql: { query: "INSERT INTO place_marks (step) VALUES ('first')" }
${WAIT(go)}
${last}
  - id: done
    end: resolved
`;

/** A write by the database's own client in a shell step, given the URL as DATABASE_URL (mariadb has no URL
 *  option: the shell takes the URL apart, and decodes the password's %XX). */
const CLIENT_WRITE = (step: string) => `
    shell:
      run: |${CLIENT_CASE(step)}
      env: { DATABASE_URL: "\${{ inputs.db }}" }`;

/** The shell that writes `step` with the database's own client to the database $DATABASE_URL names. */
const CLIENT_CASE = (step: string) => `
        case "$DATABASE_URL" in
          postgres*) psql -X -q "$DATABASE_URL" -c "INSERT INTO place_marks (step) VALUES ('${step}')" ;;
          *) u=\${DATABASE_URL#*://}; who=\${u%%@*}; hp=\${u#*@}; hp=\${hp%%/*}; pw=\${who#*:}
             mariadb --defaults-file=/dev/null -u "\${who%%:*}" -p"$(printf '%b' "\${pw//%/\\\\x}")" -h "\${hp%%:*}" -P "\${hp##*:}" "\${u##*/}" -e "INSERT INTO place_marks (step) VALUES ('${step}')" ;;
        esac`;

const SHELL_RUNBOOK = (go: string) => `name: client-servers
title: Writes with the database's own client to the database the environment names
inputs:
  db: { secret: true, env: DATABASE_URL }
steps:
  - id: first
    destructive: true${CLIENT_WRITE('first')}
${WAIT(go)}
  - id: act
    destructive: true${CLIENT_WRITE('act')}
  - id: done
    end: resolved
`;

const servers: Partial<Record<'postgres' | 'mariadb', LabServer>> = {};
before(async () => { [servers.postgres, servers.mariadb] = await Promise.all([startPostgres(), startMariadb()]); });
after(async () => { await Promise.all(Object.values(servers).map((s) => s.stop())); });

/** A query on one database of the server, as its app user (PostgreSQL) or the superuser naming it (MariaDB). */
async function onDatabase(server: LabServer, db: string, sql: string): Promise<Record<string, unknown>[]> {
  if (server.engine !== 'postgres') return adminQuery(server, sql.replaceAll('place_marks', `${db}.place_marks`));
  const c = new pg.Client({ connectionString: server.url({ database: db }) });
  await c.connect();
  try { return (await c.query(sql)).rows as Record<string, unknown>[]; } finally { await c.end(); }
}

/** Two databases on the server, A and B, each with the marks table the app user may write. */
async function twoDatabases(server: LabServer, tag: string): Promise<[string, string]> {
  const names = [`place_a_${tag}`, `place_b_${tag}`];
  for (const db of names) {
    if (server.engine === 'postgres') await adminQuery(server, `CREATE DATABASE ${db} OWNER ${server.appUser}`);
    else {
      await adminQuery(server, `CREATE DATABASE ${db}`);
      await adminQuery(server, `GRANT ALL ON ${db}.* TO '${server.appUser}'@'%'`);
    }
    await onDatabase(server, db, 'CREATE TABLE place_marks (step VARCHAR(20))');
  }
  return [server.url({ database: names[0] }), server.url({ database: names[1] })];
}

const marks = async (server: LabServer, url: string): Promise<string[]> =>
  (await onDatabase(server, new URL(url).pathname.slice(1), 'SELECT step FROM place_marks')).map((r) => String(r.step)).sort();

/** Runs `rb` until its first write reached `url`, stops it by SIGTERM in its wait step (interrupted, 75), and lets
 *  the wait go for the resume. */
async function interruptedAfterFirst(server: LabServer, url: string, go: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  const run = cli(['run', ...args, '--plain', '--yes'], opts);
  await until(async () => (await marks(server, url)).includes('first'), 60_000, 'the first write');
  await new Promise((r) => setTimeout(r, 300)); // into the wait step
  run.kill('SIGTERM');
  assert.equal((await run).code, 75);
  writeFileSync(go, '');
}

describe('resumed with the environment naming another database: refused; --retarget continues there', () => {
  for (const engine of ['postgres', 'mariadb'] as const) {
    for (const [how, through] of [['DATABASE_URL', 'sql'], ['--env-file', 'sql'], ['DATABASE_URL', 'client'], ['--env-file', 'client']] as const) {
      it(`${engine}, ${how}, written by ${through === 'sql' ? 'sql: steps' : 'the database\'s own client in shell steps'}`, async (t) => {
        const server = servers[engine]!;
        const [urlA, urlB] = await twoDatabases(server, `${how === 'DATABASE_URL' ? 'e' : 'f'}${through[0]}${Math.random().toString(36).slice(2, 7)}`);
        const dir = scratch(t);
        const go = join(dir, 'go');
        const rb = join(dir, 'servers.yaml');
        writeFileSync(rb, (through === 'sql' ? RUNBOOK : SHELL_RUNBOOK)(go));
        const envFor = (url: string, name: string): { env: NodeJS.ProcessEnv; args: string[] } => {
          if (how === 'DATABASE_URL') return { env: { DATABASE_URL: url }, args: [] };
          writeFileSync(join(dir, name), `DATABASE_URL=${url}\n`);
          return { env: {}, args: ['--env-file', join(dir, name)] };
        };
        const transcript = join(dir, 't.jsonl');
        const started = envFor(urlA, 'a.env');
        await interruptedAfterFirst(server, urlA, go, [rb, '--transcript', transcript, ...started.args], { cwd: dir, env: started.env });

        const moved = envFor(urlB, 'b.env');
        const refused = await cli(['resume', transcript, '--plain', '--yes', ...moved.args], { cwd: dir, env: moved.env });
        assert.equal(refused.code, 2, refused.stdout + refused.stderr);
        if (through === 'sql') {
          // The connection made from it is checked first: the server that answers names the other database.
          assert.match(refused.stderr, /refusing to resume: another target answers now/);
          assert.match(refused.stderr, /recorded: .*\/place_a_\S+/);
          assert.match(refused.stderr, /now: +.*\/place_b_\S+/);
        } else {
          // No connection of the engine's: the variable the shell steps are given is compared, by the server it names.
          assert.match(refused.stderr, /refusing to resume: .*DATABASE_URL named \S+\/place_a_\S+ when the run started, and names \S+\/place_b_\S+ now/);
        }
        assert.doesNotMatch(refused.stdout + refused.stderr, new RegExp(server.appPassword));
        assert.deepEqual([await marks(server, urlA), await marks(server, urlB)], [['first'], []], 'nothing ran');

        const retarget = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'wait', '--approve', 'act', ...moved.args], { cwd: dir, env: moved.env });
        assert.equal(retarget.code, 0, retarget.stdout + retarget.stderr);
        assert.match(retarget.stderr, /--retarget: /);
        assert.match(retarget.stdout, /confirm\? .*act/, 'the destructive step asked again');
        assert.deepEqual([await marks(server, urlA), await marks(server, urlB)], [['first'], ['act']], 'the rest ran once, where the operator pointed it');
        assert.ok(existsSync(transcript));
      });
    }
  }
});

/** A database named as its parts, for the spellings below. */
interface Parts { host: string; port: string; db: string; user: string; password: string }
const partsOf = (url: string): Parts => {
  const u = new URL(url);
  return { host: u.hostname, port: u.port, db: u.pathname.slice(1), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
};

/** A target spelled in a form the engine has no reading of: the variables (and files under HOME) a run is given to
 *  write to database `p`, and the shell that writes with the database's own client. */
interface Spelling { engine: 'postgres' | 'mariadb'; name: string; changed: string; env(p: Parts, home: string): NodeJS.ProcessEnv; write: string }
const INSERT = (step: string) => `"INSERT INTO place_marks (step) VALUES ('${step}')"`;
const SPELLINGS: Spelling[] = [
  { engine: 'postgres', name: 'a libpq keyword string', changed: 'ORDERS_DSN',
    env: (p) => ({ ORDERS_DSN: `host=${p.host} port=${p.port} dbname=${p.db} user=${p.user} password=${p.password}` }),
    write: `psql -X -q "$ORDERS_DSN" -c` },
  { engine: 'postgres', name: 'a jdbc: URL', changed: 'ORDERS_JDBC',
    env: (p) => ({ ORDERS_JDBC: `jdbc:postgresql://${p.host}:${p.port}/${p.db}?user=${p.user}&password=${encodeURIComponent(p.password)}` }),
    write: `psql -X -q "\${ORDERS_JDBC#jdbc:}" -c` },
  { engine: 'postgres', name: "HOME's ~/.pg_service.conf", changed: 'HOME',
    env: (p, home) => {
      writeFileSync(join(home, '.pg_service.conf'), `[orders]\nhost=${p.host}\nport=${p.port}\ndbname=${p.db}\nuser=${p.user}\npassword=${p.password}\n`);
      return { HOME: home };
    },
    write: `psql -X -q "service=orders" -c` },
  { engine: 'mariadb', name: 'a database name alone in its own variable', changed: 'ORDERS_DB',
    env: (p) => ({ ORDERS_HOST: p.host, ORDERS_PORT: p.port, ORDERS_USER: p.user, ORDERS_PW: p.password, ORDERS_DB: p.db }),
    write: `mariadb --defaults-file=/dev/null -h "$ORDERS_HOST" -P "$ORDERS_PORT" -u "$ORDERS_USER" -p"$ORDERS_PW" "$ORDERS_DB" -e` },
  { engine: 'mariadb', name: "HOME's ~/.my.cnf", changed: 'HOME',
    env: (p, home) => {
      writeFileSync(join(home, '.my.cnf'), `[client]\nhost=${p.host}\nport=${p.port}\nuser=${p.user}\npassword="${p.password}"\n[mysql]\ndatabase=${p.db}\n`);
      return { HOME: home };
    },
    write: 'mariadb -e' },
];

const SPELLED_RUNBOOK = (go: string, write: string) => `name: spelled
title: Writes with the database's own client to a database named in no URL
steps:
  - id: first
    destructive: true
    shell: ${write} ${INSERT('first')}
${WAIT(go)}
  - id: act
    destructive: true
    shell: ${write} ${INSERT('act')}
  - id: done
    end: resolved
`;

describe('resumed with a target spelled in no form the engine knows, naming another database: refused by the variable; --retarget continues there', () => {
  for (const s of SPELLINGS) {
    it(`${s.engine}: ${s.name}`, async (t) => {
      const server = servers[s.engine]!;
      const [urlA, urlB] = await twoDatabases(server, `s${Math.random().toString(36).slice(2, 8)}`);
      const dir = scratch(t);
      const go = join(dir, 'go');
      const rb = join(dir, 'spelled.yaml');
      writeFileSync(rb, SPELLED_RUNBOOK(go, s.write));
      const homes = [join(dir, 'home-a'), join(dir, 'home-b')];
      for (const h of homes) mkdirSync(h);
      const [envA, envB] = [s.env(partsOf(urlA), homes[0]!), s.env(partsOf(urlB), homes[1]!)];
      if (s.changed !== 'HOME') { envA.HOME = homes[0]; envB.HOME = homes[0]; } // only the spelling differs
      const transcript = join(dir, 't.jsonl');
      await interruptedAfterFirst(server, urlA, go, [rb, '--transcript', transcript], { cwd: dir, env: envA });

      const refused = await cli(['resume', transcript, '--plain', '--yes'], { cwd: dir, env: envB });
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.match(refused.stderr, new RegExp(`refusing to resume: .*the environment is not the run's: .*\\b${s.changed}\\b`));
      assert.doesNotMatch(refused.stdout + refused.stderr, new RegExp(`${server.appPassword}|place_[ab]_s`), 'no value shown');
      assert.deepEqual([await marks(server, urlA), await marks(server, urlB)], [['first'], []], 'nothing ran');

      const retarget = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'wait', '--approve', 'act'], { cwd: dir, env: envB });
      assert.equal(retarget.code, 0, retarget.stdout + retarget.stderr);
      assert.match(retarget.stdout, /confirm\? .*act/, 'the destructive step asked again');
      assert.deepEqual([await marks(server, urlA), await marks(server, urlB)], [['first'], ['act']], 'the rest ran once, where the operator pointed it');
    });
  }
});

/** Two places on each engine: the database a relative file names (./target, read from the working directory),
 *  and a called runbook found by name through RUNBOOK_PATH, each writing with its own connection. */
const DIRECTORY_RUNBOOK = (go: string) => `name: directory
title: Writes to the database a file in the working directory names
steps:
  - id: first
    destructive: true
    shell: |
      DATABASE_URL=$(cat ./target)${CLIENT_CASE('first')}
${WAIT(go)}
  - id: act
    destructive: true
    shell: |
      DATABASE_URL=$(cat ./target)${CLIENT_CASE('act')}
  - id: done
    end: resolved
`;

const HELPER = (said: string) => `name: helper
title: Says ${said} in the database
inputs:
  db: { secret: true, env: DATABASE_URL }
connections:
  app: { url: "\${{ inputs.db }}" }
steps:
  - id: say
    destructive: true
    sql: { query: "INSERT INTO place_marks (step) VALUES ('${said}')" }
  - id: done
    end: resolved
`;

const CALLER_RUNBOOK = (go: string) => RUNBOOK(go, 'Calls a helper found by name', `  - id: call
    runbook: { name: helper }`);

describe('resumed from another directory or with another RUNBOOK_PATH, on real servers: refused; --retarget continues', () => {
  for (const engine of ['postgres', 'mariadb'] as const) {
    it(`${engine}: another working directory, whose ./target names another database`, async (t) => {
      const server = servers[engine]!;
      const [urlA, urlB] = await twoDatabases(server, `d${Math.random().toString(36).slice(2, 8)}`);
      const dir = scratch(t);
      const [a, b] = [join(dir, 'a'), join(dir, 'b')];
      for (const [d, url] of [[a, urlA], [b, urlB]] as const) { mkdirSync(d); writeFileSync(join(d, 'target'), url); }
      const go = join(dir, 'go');
      const rb = join(dir, 'directory.yaml');
      writeFileSync(rb, DIRECTORY_RUNBOOK(go));
      const transcript = join(dir, 't.jsonl');
      await interruptedAfterFirst(server, urlA, go, [rb, '--transcript', transcript], { cwd: a });

      const refused = await cli(['resume', transcript, '--plain', '--yes'], { cwd: b });
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.ok(refused.stderr.includes(`the run started in ${a}, and this is ${b}`), refused.stderr);
      assert.deepEqual([await marks(server, urlA), await marks(server, urlB)], [['first'], []], 'nothing ran');
      const retarget = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'wait', '--approve', 'act'], { cwd: b });
      assert.equal(retarget.code, 0, retarget.stdout + retarget.stderr);
      assert.match(retarget.stdout, /confirm\? .*act/, 'the destructive step asked again');
      assert.deepEqual([await marks(server, urlA), await marks(server, urlB)], [['first'], ['act']], 'the rest ran once, where the operator now is');
    });

    it(`${engine}: another RUNBOOK_PATH, which finds another helper of the same name`, async (t) => {
      const server = servers[engine]!;
      const [url] = await twoDatabases(server, `p${Math.random().toString(36).slice(2, 8)}`);
      const dir = scratch(t);
      const [p1, p2] = [join(dir, 'p1'), join(dir, 'p2')];
      for (const [p, said] of [[p1, 'one'], [p2, 'two']] as const) { mkdirSync(p); writeFileSync(join(p, 'helper.yaml'), HELPER(said)); }
      const go = join(dir, 'go');
      const rb = join(dir, 'caller.yaml');
      writeFileSync(rb, CALLER_RUNBOOK(go));
      const transcript = join(dir, 't.jsonl');
      await interruptedAfterFirst(server, url!, go, [rb, '--transcript', transcript], { cwd: dir, env: { DATABASE_URL: url, RUNBOOK_PATH: p1 } });

      const env = { DATABASE_URL: url, RUNBOOK_PATH: p2 };
      const refused = await cli(['resume', transcript, '--plain', '--yes'], { cwd: dir, env });
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.ok(refused.stderr.includes(`step 'call' would now load ${join(p2, 'helper.yaml')} where the run loaded ${join(p1, 'helper.yaml')}`), refused.stderr);
      assert.deepEqual(await marks(server, url!), ['first'], 'nothing ran');
      const retarget = await cli(['resume', transcript, '--plain', '--retarget', '--approve', 'wait', '--approve', 'call/say'], { cwd: dir, env });
      assert.equal(retarget.code, 0, retarget.stdout + retarget.stderr);
      assert.match(retarget.stdout, /confirm\? .*say/, 'the destructive step asked again');
      assert.deepEqual(await marks(server, url!), ['first', 'one'], 'the helper the run loaded wrote, once');
    });
  }
});
