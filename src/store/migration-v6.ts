// Migration 6 of the store's schema (migrations.ts): taking over a run is a permission, and the lease decides
// when a plain resume may (issue #47). Before, any store login could --takeover a live run and run its destructive
// steps as itself, while `runbook resume <id>` of a run whose driver was dead was refused without --takeover,
// though the docs showed it without. Now, when the role runbook_operators exists, only its members may take over
// another role's run (RB014), like runbook_approvers for decisions; and a resume by another role of a run whose
// driver holds no lock is a takeover too, recorded in runbook.takeovers (who from whom), after the old driver's
// lease is waited out. A driver still holding its lock is refused without --takeover, as before (RB010). A run
// the store has as ended is never claimed again (RB015): in a race of takeovers, one taker finished the run while
// another, holding a copy fetched before, claimed it after and ran its steps again.
export const V6 = String.raw`
CREATE OR REPLACE FUNCTION runbook.claim_run(p_run_id text, p_runbook text, p_sha256 text, p_host text, p_mode text, p_epoch int, p_lease_ms int)
RETURNS TABLE (epoch int, wait_ms int)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE r runbook.runs; held boolean; taking boolean;
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
  IF p_mode NOT IN ('check', 'resume', 'takeover', 'push') THEN RAISE EXCEPTION 'claim_run: unknown mode %', p_mode; END IF;
  -- A run that ended is not continued, whatever a copy fetched before it ended says (a taker's, in a race);
  -- 'push' (store push) only adds the lines of a run that ended while the store was down, and may.
  IF p_mode <> 'push' AND r.state IN ('resolved', 'escalate', 'failed', 'aborted') THEN
    RAISE EXCEPTION 'run % already ended (%) in the store: nothing to resume', p_run_id, r.state USING ERRCODE = 'RB015';
  END IF;
  held := NOT pg_try_advisory_lock(runbook.driver_lock(p_run_id, r.driver_epoch));
  IF NOT held THEN PERFORM pg_advisory_unlock(runbook.driver_lock(p_run_id, r.driver_epoch)); END IF;
  IF p_mode IN ('check', 'resume', 'push') AND held THEN
    RAISE EXCEPTION 'run % is being driven by % on % (last heard from % s ago): a second driver is refused; if that one is gone for good, take the run over with --takeover',
      p_run_id, r.driver, r.driver_host, floor(extract('epoch' FROM now() - r.heard_at))::bigint USING ERRCODE = 'RB010';
  END IF;
  -- Another role continuing the run takes it over, with --takeover or, once the driver is gone (no lock), by a
  -- plain resume: the lease decides, not a flag. Either way it is a permission, and it is recorded.
  taking := p_mode = 'takeover' OR r.driver <> session_user;
  IF taking AND r.driver <> session_user AND to_regrole('runbook_operators') IS NOT NULL AND NOT pg_has_role(session_user, 'runbook_operators', 'MEMBER') THEN
    RAISE EXCEPTION '% may not take over run % from %: taking over a run is for members of runbook_operators', session_user, p_run_id, r.driver USING ERRCODE = 'RB014';
  END IF;
  IF p_mode = 'check' THEN RETURN QUERY SELECT r.driver_epoch, 0; RETURN; END IF;
  UPDATE runbook.runs SET driver = session_user, driver_host = p_host, driver_epoch = r.driver_epoch + 1, heard_at = now(),
    state = CASE WHEN state IN ('interrupted', 'failed', 'aborted') THEN 'running' ELSE state END
  WHERE run_id = p_run_id;
  IF taking THEN
    INSERT INTO runbook.takeovers (run_id, epoch, by_host, from_driver, from_host, from_heard_at)
    VALUES (p_run_id, r.driver_epoch + 1, p_host, r.driver, r.driver_host, r.heard_at);
  END IF;
  PERFORM pg_try_advisory_lock(runbook.driver_lock(p_run_id, r.driver_epoch + 1));
  -- The lease runs from heard_at, which the old driver's last confirmation set after it sent its request: held or not.
  RETURN QUERY SELECT r.driver_epoch + 1, greatest(0, p_lease_ms - floor(extract('epoch' FROM clock_timestamp() - r.heard_at) * 1000))::int;
END $$;
`;
