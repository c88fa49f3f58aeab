// Migration 3 of the store's schema (migrations.ts): a driver's lease, and batches that read only themselves.
// A driver acts on the store's last word that it holds the run for a while without asking again (lease.ts): so a
// run continued by another process waits out what is left of the old driver's lease, by this server's clock from
// the old driver's last confirmation (heard_at), whether or not its lock is still held. A driver whose connection
// dropped (its lock released with it) may still be alive and within its lease: before V3 a resume or takeover then
// did not wait at all.
export const V3 = String.raw`
CREATE OR REPLACE FUNCTION runbook.claim_run(p_run_id text, p_runbook text, p_sha256 text, p_host text, p_mode text, p_epoch int, p_lease_ms int)
RETURNS TABLE (epoch int, wait_ms int)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE r runbook.runs; held boolean;
BEGIN
  INSERT INTO runbook.runs (run_id, runbook, runbook_sha256, driver_host)
  VALUES (p_run_id, p_runbook, p_sha256, p_host) ON CONFLICT (run_id) DO NOTHING;
  SELECT * INTO r FROM runbook.runs WHERE run_id = p_run_id FOR UPDATE;
  IF p_mode IN ('start', 'rejoin') THEN
    IF r.driver <> session_user OR r.driver_epoch <> coalesce(p_epoch, 1) THEN
      RAISE EXCEPTION 'run % was taken over (driver % on %, epoch %)', p_run_id, r.driver, r.driver_host, r.driver_epoch USING ERRCODE = 'RB009';
    END IF;
    PERFORM pg_try_advisory_lock(runbook.driver_lock(p_run_id, r.driver_epoch));
    UPDATE runbook.runs SET heard_at = now() WHERE run_id = p_run_id;
    RETURN QUERY SELECT r.driver_epoch, 0;
    RETURN;
  END IF;
  IF p_mode NOT IN ('check', 'resume', 'takeover') THEN RAISE EXCEPTION 'claim_run: unknown mode %', p_mode; END IF;
  held := NOT pg_try_advisory_lock(runbook.driver_lock(p_run_id, r.driver_epoch));
  IF NOT held THEN PERFORM pg_advisory_unlock(runbook.driver_lock(p_run_id, r.driver_epoch)); END IF;
  IF p_mode IN ('check', 'resume') AND held THEN
    RAISE EXCEPTION 'run % is being driven by % on % (last heard from % s ago): a second driver is refused; if that one is gone for good, take the run over with --takeover',
      p_run_id, r.driver, r.driver_host, floor(extract('epoch' FROM now() - r.heard_at))::bigint USING ERRCODE = 'RB010';
  END IF;
  IF p_mode IN ('check', 'resume') AND r.driver <> session_user THEN
    RAISE EXCEPTION 'run % is driven by %, not %: take it over with --takeover (recorded)', p_run_id, r.driver, session_user USING ERRCODE = 'RB008';
  END IF;
  IF p_mode = 'check' THEN RETURN QUERY SELECT r.driver_epoch, 0; RETURN; END IF;
  UPDATE runbook.runs SET driver = session_user, driver_host = p_host, driver_epoch = r.driver_epoch + 1, heard_at = now(),
    state = CASE WHEN state IN ('interrupted', 'failed', 'aborted') THEN 'running' ELSE state END
  WHERE run_id = p_run_id;
  IF p_mode = 'takeover' THEN
    INSERT INTO runbook.takeovers (run_id, epoch, by_host, from_driver, from_host, from_heard_at)
    VALUES (p_run_id, r.driver_epoch + 1, p_host, r.driver, r.driver_host, r.heard_at);
  END IF;
  PERFORM pg_try_advisory_lock(runbook.driver_lock(p_run_id, r.driver_epoch + 1));
  -- The lease runs from heard_at, which the old driver's last confirmation set after it sent its request: held or not.
  RETURN QUERY SELECT r.driver_epoch + 1, greatest(0, p_lease_ms - floor(extract('epoch' FROM clock_timestamp() - r.heard_at) * 1000))::int;
END $$;

-- The gate a run waits at, from this batch's lines only: the last gate line is in it, or the value an earlier batch
-- set still holds. V1 looked for it among all the run's events at every batch (a scan that grew with the run).
CREATE OR REPLACE FUNCTION runbook.append_events(p_run_id text, p_epoch int, p_seq int[], p_ts timestamptz[], p_line text[], p_prev text[], p_hash text[]) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE r runbook.runs; gate_type text; gate_step text;
BEGIN
  SELECT * INTO r FROM runbook.runs WHERE run_id = p_run_id FOR UPDATE;
  IF NOT FOUND THEN RAISE EXCEPTION 'no run % in the store', p_run_id USING ERRCODE = 'RB005'; END IF;
  IF r.driver <> session_user OR r.driver_epoch <> p_epoch THEN
    RAISE EXCEPTION 'run % was taken over (driver %, epoch %)', p_run_id, r.driver, r.driver_epoch USING ERRCODE = 'RB009';
  END IF;
  INSERT INTO runbook.events (run_id, seq, ts, line, prev_hash, hash)
  SELECT p_run_id, s, t, l, p, h FROM unnest(p_seq, p_ts, p_line, p_prev, p_hash) WITH ORDINALITY AS u(s, t, l, p, h, n) ORDER BY n;
  SELECT e.event->>'type', e.event->>'stepId' INTO gate_type, gate_step FROM runbook.events e
    WHERE e.run_id = p_run_id AND e.seq = ANY(p_seq) AND e.event->>'type' IN ('confirmation-requested', 'confirmation-answered', 'run-finished')
    ORDER BY e.seq DESC LIMIT 1;
  UPDATE runbook.runs SET heard_at = now(),
    state = coalesce((SELECT e.event->>'outcome' FROM runbook.events e WHERE e.run_id = p_run_id AND e.event->>'type' = 'run-finished' AND e.seq = ANY(p_seq) LIMIT 1), state),
    current_step = coalesce((SELECT e.event->>'stepId' FROM runbook.events e WHERE e.run_id = p_run_id AND e.seq = ANY(p_seq) AND e.event->>'type' IN ('step-started', 'confirmation-requested') ORDER BY e.seq DESC LIMIT 1), current_step),
    waiting_gate = CASE WHEN gate_type IS NULL THEN waiting_gate WHEN gate_type = 'confirmation-requested' THEN gate_step END
  WHERE run_id = p_run_id;
  RETURN coalesce(array_length(p_seq, 1), 0);
END $$;
`;
