// A hostile database owner (stop 72): a trigger on a table a harmless gated step updates set client_encoding to
// SJIS for the rest of the session. The next gated step's gate showed one UPDATE of note 1, and the server, reading
// the text in SJIS (0x81 0x5C: the byte after Á's first eats the backslash, and the quote closes the string), ran an
// UPDATE of every note and a DELETE of every user. The gate shows the text the engine read as UTF-8 with standard
// strings; every destructive step's message now goes after a message that sets the session's reading back to that.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, writeRunbook } from './helpers.js';

/** Settings a trigger may leave on the session that change how the next message's text is read. */
const LEFT: [string, string][] = [['client_encoding', 'SJIS'], ['client_encoding', 'BIG5'], ['client_encoding', 'GBK'], ['standard_conforming_strings', 'off']];

describe('PostgreSQL: what a gated step left on the session does not change what the next gated step runs', () => {
  let server: LabServer;
  before(async () => {
    server = await startPostgres();
    await adminQuery(server, `CREATE TABLE public.notes (id int primary key, body text); CREATE TABLE public.users (id int primary key, name text);
      CREATE TABLE public.jobs (id int primary key, state text);
      GRANT SELECT, INSERT, UPDATE, DELETE ON public.notes, public.users, public.jobs TO ${server.appUser}`);
  });
  after(() => server?.stop());

  for (const [name, value] of LEFT) {
    it(`a trigger leaves ${name} = ${value}: the note step updates note 1 only, and no user is deleted`, async (t) => {
      await adminQuery(server, `TRUNCATE public.notes, public.users, public.jobs;
        INSERT INTO public.notes VALUES (1, 'a'), (2, 'b'); INSERT INTO public.users VALUES (1, 'alice'), (2, 'bob'); INSERT INTO public.jobs VALUES (1, 'failed');
        CREATE OR REPLACE FUNCTION public.jobs_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_catalog.set_config('${name}', '${value}', false); RETURN NEW; END $$;
        DROP TRIGGER IF EXISTS jobs_touch ON public.jobs;
        CREATE TRIGGER jobs_touch BEFORE UPDATE ON public.jobs FOR EACH ROW EXECUTE FUNCTION public.jobs_touch()`);
      const dir = scratch(t);
      const note = String.raw`UPDATE notes SET body = E'retried Á\'; DELETE FROM users; --' WHERE id = 1`;
      const file = writeRunbook(dir, 'enc', [
        'name: enc', 'title: Retry the job, then note it', 'connections:', `  db: { url: ${JSON.stringify(server.url())} }`, 'steps:',
        '  - id: retry', '    destructive: true', `    sql: { query: "UPDATE jobs SET state = 'retry' WHERE id = 1" }`,
        '  - id: note', '    destructive: true', `    sql: { query: ${JSON.stringify(note)} }`,
        '  - { id: done, end: resolved }', ''].join('\n'));
      const r = await cli(['run', file, '--plain', '--no-transcript', '--approve', 'retry', '--approve', 'note']);
      const out = r.stdout + r.stderr;
      assert.deepEqual(await adminQuery(server, 'SELECT count(*)::int AS n FROM public.users'), [{ n: 2 }], `users deleted: ${out}`);
      const notes = await adminQuery(server, 'SELECT id, body FROM public.notes ORDER BY id');
      assert.deepEqual(notes, [{ id: 1, body: "retried Á'; DELETE FROM users; --" }, { id: 2, body: 'b' }], out);
      assert.equal(r.code, 0, out);
    });
  }
});
