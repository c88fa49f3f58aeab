// Migration 7 of the store's schema (migrations.ts): retention (issue #51). A store that keeps every run grows
// without end; `runbook store prune --older-than …` removes whole runs that ended long ago. Every table stays
// append-only to everyone, the owner included, except for this one way out: prune_runs first records the run
// in runbook.pruned (append-only itself: who pruned what, when, and the head of its hash chain, so a kept
// transcript can still be checked against what the store once held), and only then deletes its rows, which
// the append-only trigger now lets through for a run recorded there. Whole runs go, never part of one: the
// hash chain of every run that remains is untouched and checked as before. A pruned run id is never stored
// again (a late `store push`, a resume), so retention cannot be undone by a stale copy.
// A run still running, or interrupted (resume may continue it), is never pruned, however old.
export const V7 = String.raw`
CREATE TABLE runbook.pruned (
  run_id text PRIMARY KEY,
  runbook text NOT NULL,
  state text NOT NULL,
  operator name NOT NULL,
  started_at timestamptz NOT NULL,
  heard_at timestamptz NOT NULL,
  events int NOT NULL,
  last_hash text NOT NULL,                           -- the chain's head when pruned (GENESIS for a run without events)
  pruned_by name NOT NULL DEFAULT session_user,
  pruned_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON runbook.pruned FROM PUBLIC;
GRANT SELECT ON runbook.pruned TO PUBLIC;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON runbook.pruned FOR EACH ROW EXECUTE FUNCTION runbook.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON runbook.pruned FOR EACH STATEMENT EXECUTE FUNCTION runbook.refuse_change();

-- A row of a run recorded as pruned may be deleted (prune_runs does so right after recording it); nothing else.
CREATE OR REPLACE FUNCTION runbook.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('events', 'approvals', 'takeovers')
     AND EXISTS (SELECT 1 FROM runbook.pruned p WHERE p.run_id = OLD.run_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'runbook.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'RB001';
END $$;

CREATE FUNCTION runbook.refuse_pruned() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE p runbook.pruned;
BEGIN
  SELECT * INTO p FROM runbook.pruned WHERE run_id = NEW.run_id;
  IF FOUND THEN
    RAISE EXCEPTION 'run % was pruned from the store at % by % (% events): it is not stored again', p.run_id, p.pruned_at, p.pruned_by, p.events
      USING ERRCODE = 'RB017';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER not_pruned BEFORE INSERT ON runbook.runs FOR EACH ROW EXECUTE FUNCTION runbook.refuse_pruned();

-- Runs that ended (resolved, escalate, failed, aborted) and were last heard from before now() - p_older_than,
-- oldest first, at most p_limit of them (a long prune is done in batches, each its own transaction). Returns
-- what it pruned. Only the owner may run it, and whom the owner grants EXECUTE.
CREATE FUNCTION runbook.prune_runs(p_older_than interval, p_limit int)
RETURNS TABLE (run_id text, runbook text, state text, events int, heard_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE ids text[];
BEGIN
  IF p_older_than IS NULL OR p_older_than < interval '0' THEN RAISE EXCEPTION 'prune_runs: the age must be positive'; END IF;
  SELECT array_agg(r.run_id) INTO ids FROM (
    SELECT x.run_id FROM runbook.runs x
    WHERE x.state IN ('resolved', 'escalate', 'failed', 'aborted') AND x.heard_at < now() - p_older_than
    ORDER BY x.heard_at LIMIT p_limit FOR UPDATE SKIP LOCKED) r;
  IF ids IS NULL THEN RETURN; END IF;
  INSERT INTO runbook.pruned (run_id, runbook, state, operator, started_at, heard_at, events, last_hash)
  SELECT r.run_id, r.runbook, r.state, r.operator, r.started_at, r.heard_at, coalesce(e.n, 0), coalesce(e.head, repeat('0', 64))
  FROM runbook.runs r
  LEFT JOIN LATERAL (SELECT count(*)::int AS n, (array_agg(v.hash ORDER BY v.seq DESC))[1] AS head
                     FROM runbook.events v WHERE v.run_id = r.run_id) e ON true
  WHERE r.run_id = ANY(ids);
  DELETE FROM runbook.events v WHERE v.run_id = ANY(ids);
  DELETE FROM runbook.approvals a WHERE a.run_id = ANY(ids);
  DELETE FROM runbook.takeovers t WHERE t.run_id = ANY(ids);
  DELETE FROM runbook.runs r WHERE r.run_id = ANY(ids);
  RETURN QUERY SELECT p.run_id, p.runbook, p.state, p.events, p.heard_at FROM runbook.pruned p WHERE p.run_id = ANY(ids) ORDER BY p.heard_at;
END $$;
REVOKE EXECUTE ON FUNCTION runbook.prune_runs(interval, int) FROM PUBLIC;

-- runbook runs: the 50 it shows come from this order (waiting at a gate, then running, then last heard from).
CREATE INDEX runs_listed ON runbook.runs ((waiting_gate IS NOT NULL AND state = 'running') DESC, (state = 'running') DESC, heard_at DESC);
-- prune: ended runs by age.
CREATE INDEX runs_heard ON runbook.runs (heard_at);
`;
