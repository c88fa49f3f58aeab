// Migration 5 of the store's schema (migrations.ts): a decision names the gate visit it answers (issue #47).
// Before, a decision was for "the gate of step S": when the driver's link to the store was cut, the driver
// skipped gate 1 itself, a teammate still seeing gate 1 approved it, and the run, back at the step in a loop,
// ran gate 2 at once on that approval. Now each four-eyes gate carries the visit it is (`gate`: its number and a
// nonce made when it opened, in the uploaded confirmation-requested line); runs.waiting_visit is the visit the
// run waits at, a decision must name it (RB013 otherwise), one decision per visit (RB012), and the driver takes
// only a decision naming the visit it waits at. A person may decide once per visit (the key holds the visit).
// And the store is the witness of four eyes: an uploaded or pushed line saying a teammate decided must match
// that teammate's row (RB016): a --break-glass transcript edited to name an approver was taken, and follow and
// the report named that teammate as the approver, with no row behind it.
export const V5 = String.raw`
ALTER TABLE runbook.runs ADD COLUMN waiting_visit text;
ALTER TABLE runbook.approvals ADD COLUMN gate text NOT NULL DEFAULT '';
ALTER TABLE runbook.approvals DROP CONSTRAINT approvals_pkey;
ALTER TABLE runbook.approvals ADD PRIMARY KEY (run_id, step_id, gate, approver);

CREATE OR REPLACE FUNCTION runbook.append_events(p_run_id text, p_epoch int, p_seq int[], p_ts timestamptz[], p_line text[], p_prev text[], p_hash text[]) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE r runbook.runs; gate_type text; gate_step text; gate_visit text; forged_seq int; forged_who text; forged_step text;
BEGIN
  SELECT * INTO r FROM runbook.runs WHERE run_id = p_run_id FOR UPDATE;
  IF NOT FOUND THEN RAISE EXCEPTION 'no run % in the store', p_run_id USING ERRCODE = 'RB005'; END IF;
  IF r.driver <> session_user OR r.driver_epoch <> p_epoch THEN
    RAISE EXCEPTION 'run % was taken over (driver %, epoch %)', p_run_id, r.driver, r.driver_epoch USING ERRCODE = 'RB009';
  END IF;
  INSERT INTO runbook.events (run_id, seq, ts, line, prev_hash, hash)
  SELECT p_run_id, s, t, l, p, h FROM unnest(p_seq, p_ts, p_line, p_prev, p_hash) WITH ORDINALITY AS u(s, t, l, p, h, n) ORDER BY n;
  -- The store is the witness of four eyes: a line saying a teammate decided stands only on that teammate's own
  -- row in approvals (the gate visit, the step, the decision). A transcript edited to say so is refused.
  SELECT e.seq, e.event->>'approver', e.event->>'stepId' INTO forged_seq, forged_who, forged_step FROM runbook.events e
    WHERE e.run_id = p_run_id AND e.seq = ANY(p_seq) AND e.event->>'type' = 'confirmation-answered' AND e.event->>'how' = 'four-eyes'
      AND NOT EXISTS (SELECT 1 FROM runbook.approvals a WHERE a.run_id = p_run_id AND a.step_id = e.event->>'stepId'
        AND a.approver::text = e.event->>'approver' AND a.gate = coalesce(e.event->>'gate', '')
        AND a.decision = CASE WHEN e.event->>'answer' = 'yes' THEN 'approved' ELSE 'denied' END)
    ORDER BY e.seq LIMIT 1;
  IF forged_seq IS NOT NULL THEN
    RAISE EXCEPTION 'event % of run % says % decided at the gate of %, and the store holds no such decision: a four-eyes answer the store did not witness is refused', forged_seq, p_run_id, coalesce(forged_who, 'nobody'), forged_step USING ERRCODE = 'RB016';
  END IF;
  SELECT e.event->>'type', e.event->>'stepId', e.event->>'gate' INTO gate_type, gate_step, gate_visit FROM runbook.events e
    WHERE e.run_id = p_run_id AND e.seq = ANY(p_seq) AND e.event->>'type' IN ('confirmation-requested', 'confirmation-answered', 'run-finished')
    ORDER BY e.seq DESC LIMIT 1;
  UPDATE runbook.runs SET heard_at = now(),
    state = coalesce((SELECT e.event->>'outcome' FROM runbook.events e WHERE e.run_id = p_run_id AND e.event->>'type' = 'run-finished' AND e.seq = ANY(p_seq) LIMIT 1), state),
    current_step = coalesce((SELECT e.event->>'stepId' FROM runbook.events e WHERE e.run_id = p_run_id AND e.seq = ANY(p_seq) AND e.event->>'type' IN ('step-started', 'confirmation-requested') ORDER BY e.seq DESC LIMIT 1), current_step),
    waiting_gate = CASE WHEN gate_type IS NULL THEN waiting_gate WHEN gate_type = 'confirmation-requested' THEN gate_step END,
    waiting_visit = CASE WHEN gate_type IS NULL THEN waiting_visit WHEN gate_type = 'confirmation-requested' THEN gate_visit END
  WHERE run_id = p_run_id;
  RETURN coalesce(array_length(p_seq, 1), 0);
END $$;

CREATE OR REPLACE FUNCTION runbook.check_approval() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r runbook.runs;
BEGIN
  IF NEW.approver IS DISTINCT FROM session_user THEN
    RAISE EXCEPTION 'an approval is signed by the role that logs in (%), not %', session_user, NEW.approver USING ERRCODE = 'RB004';
  END IF;
  -- Locked: two decisions at once on one gate are taken one after the other (the second sees the first).
  SELECT * INTO r FROM runbook.runs WHERE run_id = NEW.run_id FOR UPDATE;
  IF NOT FOUND THEN RAISE EXCEPTION 'no run % in the store', NEW.run_id USING ERRCODE = 'RB005'; END IF;
  IF NEW.approver = r.operator OR NEW.approver = r.driver THEN
    RAISE EXCEPTION '% runs this run: a second person must decide (four eyes)', NEW.approver USING ERRCODE = 'RB006';
  END IF;
  IF to_regrole('runbook_approvers') IS NOT NULL AND NOT pg_has_role(session_user, 'runbook_approvers', 'MEMBER') THEN
    RAISE EXCEPTION '% is not a member of runbook_approvers', session_user USING ERRCODE = 'RB007';
  END IF;
  IF r.waiting_gate IS DISTINCT FROM NEW.step_id THEN
    RAISE EXCEPTION 'run % does not wait at a gate of % now: a decision is made at the gate, with what it will do in front of you', NEW.run_id, NEW.step_id USING ERRCODE = 'RB011';
  END IF;
  IF r.waiting_visit IS NULL OR NEW.gate IS DISTINCT FROM r.waiting_visit THEN
    RAISE EXCEPTION 'run % waits at another visit of the gate of % now (%, not %): look at the gate again, then decide', NEW.run_id, NEW.step_id, coalesce(r.waiting_visit, 'none'), NEW.gate USING ERRCODE = 'RB013';
  END IF;
  IF EXISTS (SELECT 1 FROM runbook.approvals a WHERE a.run_id = NEW.run_id AND a.step_id = NEW.step_id AND a.gate = NEW.gate) THEN
    RAISE EXCEPTION 'the gate of % in run % has a decision already: one decision per gate', NEW.step_id, NEW.run_id USING ERRCODE = 'RB012';
  END IF;
  PERFORM pg_notify('runbook_approvals', NEW.run_id || ' ' || NEW.step_id);
  RETURN NEW;
END $$;

DROP FUNCTION runbook.decide(text, text, text, text);
CREATE FUNCTION runbook.decide(p_run_id text, p_step_id text, p_gate text, p_decision text, p_reason text) RETURNS name
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO runbook.approvals (run_id, step_id, gate, decision, reason) VALUES (p_run_id, p_step_id, p_gate, p_decision, p_reason);
  RETURN session_user;
END $$;
`;
