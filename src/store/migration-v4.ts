// Migration 4 of the store's schema (migrations.ts): a decision is made at the gate it answers. Before, any
// teammate could decide on a step the run had not reached yet (runbook.decide from psql; `runbook approve`
// refuses that itself), without the gate's command, target and items in front of them, and the driver took that
// decision the moment the gate opened. Now the database takes a decision only while the run waits at a gate of
// that step (runs.waiting_gate, which append_events keeps from the uploaded gate and answer lines).
export const V4 = String.raw`
CREATE OR REPLACE FUNCTION runbook.check_approval() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r runbook.runs;
BEGIN
  IF NEW.approver IS DISTINCT FROM session_user THEN
    RAISE EXCEPTION 'an approval is signed by the role that logs in (%), not %', session_user, NEW.approver USING ERRCODE = 'RB004';
  END IF;
  SELECT * INTO r FROM runbook.runs WHERE run_id = NEW.run_id;
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
  PERFORM pg_notify('runbook_approvals', NEW.run_id || ' ' || NEW.step_id);
  RETURN NEW;
END $$;
`;
