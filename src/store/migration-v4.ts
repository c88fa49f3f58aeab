// Migration 4 of the store's schema (migrations.ts): a decision is made at the gate it answers. Before, any
// teammate could decide on a step the run had not reached yet (runbook.decide from psql; `runbook approve`
// refuses that itself), without the gate's command, target and items in front of them, and the driver took that
// decision the moment the gate opened. Now the database takes a decision only while the run waits at a gate of
// that step (runs.waiting_gate, which append_events keeps from the uploaded gate and answer lines), and only one
// per gate: a second teammate's decision on a gate that has one (not yet acted on) was left for the step's next
// gate (a loop comes back to it), which the driver then took at once (four-eyes-gate.ts waits for a decision
// after the one it acted on). The gate's decision is the one the run acted on last ('decidedAt' of its answer).
export const V4 = String.raw`
CREATE OR REPLACE FUNCTION runbook.check_approval() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r runbook.runs; acted timestamptz;
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
  SELECT max((e.event->>'decidedAt')::timestamptz) INTO acted FROM runbook.events e
    WHERE e.run_id = NEW.run_id AND e.event->>'type' = 'confirmation-answered' AND e.event->>'stepId' = NEW.step_id AND e.event->>'how' = 'four-eyes';
  IF EXISTS (SELECT 1 FROM runbook.approvals a WHERE a.run_id = NEW.run_id AND a.step_id = NEW.step_id
      AND (acted IS NULL OR date_trunc('milliseconds', a.decided_at) > acted)) THEN
    RAISE EXCEPTION 'the gate of % in run % has a decision already: one decision per gate', NEW.step_id, NEW.run_id USING ERRCODE = 'RB012';
  END IF;
  PERFORM pg_notify('runbook_approvals', NEW.run_id || ' ' || NEW.step_id);
  RETURN NEW;
END $$;
`;
