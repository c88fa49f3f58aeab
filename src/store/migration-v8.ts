// Migration 8 of the store's schema (migrations.ts): signed chains (issue #47). The schema's owner can disable
// the triggers, change a line and recompute every hash after it; the chain then holds, and `follow`, which has
// only the store's copy, showed the rewritten line. Now a driver with an SSH signing key signs the chain's head
// at the end of each batch it uploads (signing.ts), in the same transaction as the batch: whoever holds the
// team's allowed-signers file checks the store's copy without trusting its owner. The owner can still drop
// signatures or a run's tail; that shows as lines no trusted key signed, not as a clean run.
export const V8 = String.raw`
CREATE TABLE runbook.signatures (
  run_id text NOT NULL REFERENCES runbook.runs,
  seq int NOT NULL,                                  -- the last line of the batch signed
  hash text NOT NULL,                                -- the chain's hash at seq: what was signed (with run and seq)
  signature text NOT NULL,                           -- ssh-keygen -Y sign, namespace runbook-store, armored
  signed_by name NOT NULL DEFAULT session_user,      -- the store role that uploaded it (the key's principal is in the signature)
  signed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, seq)
);
REVOKE ALL ON runbook.signatures FROM PUBLIC;
GRANT SELECT ON runbook.signatures TO PUBLIC;

CREATE OR REPLACE FUNCTION runbook.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('events', 'approvals', 'takeovers', 'signatures')
     AND EXISTS (SELECT 1 FROM runbook.pruned p WHERE p.run_id = OLD.run_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'runbook.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'RB001';
END $$;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON runbook.signatures FOR EACH ROW EXECUTE FUNCTION runbook.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON runbook.signatures FOR EACH STATEMENT EXECUTE FUNCTION runbook.refuse_change();

-- A batch and the signature of its last line, in one transaction: a follower that sees the lines sees it too.
CREATE FUNCTION runbook.append_signed(p_run_id text, p_epoch int, p_seq int[], p_ts timestamptz[], p_line text[], p_prev text[], p_hash text[], p_signature text) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE n int;
BEGIN
  n := runbook.append_events(p_run_id, p_epoch, p_seq, p_ts, p_line, p_prev, p_hash);
  IF p_signature IS NOT NULL AND n > 0 THEN
    INSERT INTO runbook.signatures (run_id, seq, hash, signature)
    SELECT e.run_id, e.seq, e.hash, p_signature FROM runbook.events e WHERE e.run_id = p_run_id AND e.seq = p_seq[n];
  END IF;
  RETURN n;
END $$;

CREATE OR REPLACE FUNCTION runbook.prune_runs(p_older_than interval, p_limit int)
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
  DELETE FROM runbook.signatures s WHERE s.run_id = ANY(ids);
  DELETE FROM runbook.events v WHERE v.run_id = ANY(ids);
  DELETE FROM runbook.approvals a WHERE a.run_id = ANY(ids);
  DELETE FROM runbook.takeovers t WHERE t.run_id = ANY(ids);
  DELETE FROM runbook.runs r WHERE r.run_id = ANY(ids);
  RETURN QUERY SELECT p.run_id, p.runbook, p.state, p.events, p.heard_at FROM runbook.pruned p WHERE p.run_id = ANY(ids) ORDER BY p.heard_at;
END $$;
REVOKE EXECUTE ON FUNCTION runbook.prune_runs(interval, int) FROM PUBLIC;
`;
