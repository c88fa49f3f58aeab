// The store's schema, as numbered migrations. A migration is never edited once released: a change is a new
// one. Every write goes through a SECURITY DEFINER function (tables are read-only to everyone else), so who
// wrote what is the database's word (session_user), not the client's.
import { V3 } from './migration-v3.js';
import { V4 } from './migration-v4.js';
import { V5 } from './migration-v5.js';
import { V6 } from './migration-v6.js';
import { V7 } from './migration-v7.js';
import { V8 } from './migration-v8.js';

export interface Migration { version: number; what: string; sql: string }

/** The hash a run's first event chains to. */
export const GENESIS = '0'.repeat(64);

const V1 = String.raw`
CREATE TABLE runbook.runs (
  run_id text PRIMARY KEY,
  runbook text NOT NULL,
  runbook_sha256 text NOT NULL,
  operator name NOT NULL DEFAULT session_user,      -- who started the run (their store role)
  driver name NOT NULL DEFAULT session_user,        -- who drives it now (a resume elsewhere may change it)
  driver_host text NOT NULL,
  driver_epoch int NOT NULL DEFAULT 1,
  state text NOT NULL DEFAULT 'running',
  current_step text,
  waiting_gate text,
  started_at timestamptz NOT NULL DEFAULT now(),
  heard_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE runbook.events (
  run_id text NOT NULL REFERENCES runbook.runs,
  seq int NOT NULL,
  ts timestamptz NOT NULL,
  line text NOT NULL,                                -- the transcript line, byte for byte (already masked)
  event jsonb GENERATED ALWAYS AS (line::jsonb) STORED,
  prev_hash text NOT NULL,
  hash text NOT NULL,                                -- sha256(prev_hash || line), hex
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE runbook.approvals (
  run_id text NOT NULL REFERENCES runbook.runs,
  step_id text NOT NULL,
  approver name NOT NULL DEFAULT session_user,
  decision text NOT NULL CHECK (decision IN ('approved', 'denied')),
  reason text,
  decided_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step_id, approver)
);

REVOKE ALL ON runbook.runs, runbook.events, runbook.approvals FROM PUBLIC;
GRANT USAGE ON SCHEMA runbook TO PUBLIC;
GRANT SELECT ON runbook.runs, runbook.events, runbook.approvals, runbook.schema_version TO PUBLIC;

-- Append-only, whoever asks (the owner included, short of disabling the trigger).
CREATE FUNCTION runbook.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'runbook.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'RB001';
END $$;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON runbook.events FOR EACH ROW EXECUTE FUNCTION runbook.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON runbook.events FOR EACH STATEMENT EXECUTE FUNCTION runbook.refuse_change();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON runbook.approvals FOR EACH ROW EXECUTE FUNCTION runbook.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON runbook.approvals FOR EACH STATEMENT EXECUTE FUNCTION runbook.refuse_change();

-- Each event chains to the one before it: seq grows, prev_hash is the last row's hash, hash is computed here.
CREATE FUNCTION runbook.chain_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE last_seq int; last_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('runbook.events:' || NEW.run_id));
  SELECT seq, hash INTO last_seq, last_hash FROM runbook.events WHERE run_id = NEW.run_id ORDER BY seq DESC LIMIT 1;
  IF last_seq IS NOT NULL AND NEW.seq <= last_seq THEN
    RAISE EXCEPTION 'event % of run % is not after the last stored one (%)', NEW.seq, NEW.run_id, last_seq USING ERRCODE = 'RB002';
  END IF;
  IF NEW.prev_hash IS DISTINCT FROM coalesce(last_hash, repeat('0', 64)) THEN
    RAISE EXCEPTION 'event % of run % does not chain to the stored events (prev_hash differs)', NEW.seq, NEW.run_id USING ERRCODE = 'RB003';
  END IF;
  IF NEW.hash IS DISTINCT FROM encode(sha256(convert_to(NEW.prev_hash || NEW.line, 'UTF8')), 'hex') THEN
    RAISE EXCEPTION 'event % of run %: hash does not match its line', NEW.seq, NEW.run_id USING ERRCODE = 'RB003';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER chain BEFORE INSERT ON runbook.events FOR EACH ROW EXECUTE FUNCTION runbook.chain_event();

-- Followers LISTEN: the payload is only "<run id> <last seq>"; they fetch the rows themselves.
CREATE FUNCTION runbook.notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT run_id, max(seq) AS seq FROM added GROUP BY run_id LOOP
    PERFORM pg_notify('runbook_events', r.run_id || ' ' || r.seq);
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER notify AFTER INSERT ON runbook.events REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION runbook.notify_events();

-- Four eyes: the approver is whoever is logged in, never the run's operator or driver, and (when the role
-- runbook_approvers exists) a member of it.
CREATE FUNCTION runbook.check_approval() RETURNS trigger LANGUAGE plpgsql AS $$
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
  PERFORM pg_notify('runbook_approvals', NEW.run_id || ' ' || NEW.step_id);
  RETURN NEW;
END $$;
CREATE TRIGGER four_eyes BEFORE INSERT ON runbook.approvals FOR EACH ROW EXECUTE FUNCTION runbook.check_approval();

CREATE FUNCTION runbook.begin_run(p_run_id text, p_runbook text, p_sha256 text, p_host text) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE r runbook.runs;
BEGIN
  INSERT INTO runbook.runs (run_id, runbook, runbook_sha256, driver_host)
  VALUES (p_run_id, p_runbook, p_sha256, p_host) ON CONFLICT (run_id) DO NOTHING;
  SELECT * INTO r FROM runbook.runs WHERE run_id = p_run_id;
  IF r.driver <> session_user THEN
    RAISE EXCEPTION 'run % is driven by %, not %', p_run_id, r.driver, session_user USING ERRCODE = 'RB008';
  END IF;
  RETURN r.driver_epoch;
END $$;

CREATE FUNCTION runbook.append_events(p_run_id text, p_epoch int, p_seq int[], p_ts timestamptz[], p_line text[], p_prev text[], p_hash text[]) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE r runbook.runs;
BEGIN
  SELECT * INTO r FROM runbook.runs WHERE run_id = p_run_id FOR UPDATE;
  IF NOT FOUND THEN RAISE EXCEPTION 'no run % in the store', p_run_id USING ERRCODE = 'RB005'; END IF;
  IF r.driver <> session_user OR r.driver_epoch <> p_epoch THEN
    RAISE EXCEPTION 'run % was taken over (driver %, epoch %)', p_run_id, r.driver, r.driver_epoch USING ERRCODE = 'RB009';
  END IF;
  INSERT INTO runbook.events (run_id, seq, ts, line, prev_hash, hash)
  SELECT p_run_id, s, t, l, p, h FROM unnest(p_seq, p_ts, p_line, p_prev, p_hash) WITH ORDINALITY AS u(s, t, l, p, h, n) ORDER BY n;
  UPDATE runbook.runs SET heard_at = now(),
    state = coalesce((SELECT e.event->>'outcome' FROM runbook.events e WHERE e.run_id = p_run_id AND e.event->>'type' = 'run-finished' AND e.seq = ANY(p_seq) LIMIT 1), state),
    current_step = coalesce((SELECT e.event->>'stepId' FROM runbook.events e WHERE e.run_id = p_run_id AND e.seq = ANY(p_seq) AND e.event->>'type' IN ('step-started', 'confirmation-requested') ORDER BY e.seq DESC LIMIT 1), current_step),
    waiting_gate = (SELECT CASE WHEN e.event->>'type' = 'confirmation-requested' THEN e.event->>'stepId' END FROM runbook.events e WHERE e.run_id = p_run_id AND e.event->>'type' IN ('confirmation-requested', 'confirmation-answered', 'run-finished') ORDER BY e.seq DESC LIMIT 1)
  WHERE run_id = p_run_id;
  RETURN coalesce(array_length(p_seq, 1), 0);
END $$;

CREATE FUNCTION runbook.decide(p_run_id text, p_step_id text, p_decision text, p_reason text) RETURNS name
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO runbook.approvals (run_id, step_id, decision, reason) VALUES (p_run_id, p_step_id, p_decision, p_reason);
  RETURN session_user;
END $$;
`;

// One driver per run. A driver holds a session advisory lock on (run, epoch) for as long as its connection
// lives (the database drops it when the driver dies, kill -9 included) and says it is alive (heard_at). A new
// process continuing a run claims it: refused while the lock is held, naming the holder's host and how long
// ago it was heard from; otherwise, or with an explicit takeover (recorded), the epoch moves on, and every
// write or heartbeat of the driver before is refused from then on (RB009): it stops at its next one.
const V2 = String.raw`
CREATE TABLE runbook.takeovers (
  run_id text NOT NULL REFERENCES runbook.runs,
  epoch int NOT NULL,                               -- the epoch the takeover started
  by_role name NOT NULL DEFAULT session_user,
  by_host text NOT NULL,
  from_driver name NOT NULL,
  from_host text NOT NULL,
  from_heard_at timestamptz NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, epoch)
);
REVOKE ALL ON runbook.takeovers FROM PUBLIC;
GRANT SELECT ON runbook.takeovers TO PUBLIC;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON runbook.takeovers FOR EACH ROW EXECUTE FUNCTION runbook.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON runbook.takeovers FOR EACH STATEMENT EXECUTE FUNCTION runbook.refuse_change();

CREATE FUNCTION runbook.driver_lock(p_run_id text, p_epoch int) RETURNS bigint LANGUAGE sql IMMUTABLE
AS $$ SELECT hashtextextended('runbook.driver:' || p_run_id || ':' || p_epoch, 0) $$;

-- p_mode: 'start' (a new run: p_epoch NULL), 'rejoin' (the same driver after a reconnect: its p_epoch),
-- 'resume' (a new process continues the run), 'takeover' (the same, whoever holds it; recorded), 'check'
-- (would a resume be refused? nothing changes).
-- Returns the driver's epoch and, after a takeover, how long the driver before may still act on what it last
-- confirmed (ms): the new driver waits that long before its first action.
CREATE FUNCTION runbook.claim_run(p_run_id text, p_runbook text, p_sha256 text, p_host text, p_mode text, p_epoch int, p_lease_ms int)
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
    -- Best effort: after a reconnect this driver's old session may hold it still; the epoch is what counts.
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
  RETURN QUERY SELECT r.driver_epoch + 1,
    CASE WHEN held THEN greatest(0, p_lease_ms - floor(extract('epoch' FROM now() - r.heard_at) * 1000))::int ELSE 0 END;
END $$;

-- The driver is alive and still the driver (before each action, and now and then while it waits).
CREATE FUNCTION runbook.heartbeat(p_run_id text, p_epoch int) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE r runbook.runs;
BEGIN
  UPDATE runbook.runs SET heard_at = now() WHERE run_id = p_run_id AND driver = session_user AND driver_epoch = p_epoch RETURNING * INTO r;
  IF NOT FOUND THEN
    SELECT * INTO r FROM runbook.runs WHERE run_id = p_run_id;
    RAISE EXCEPTION 'run % was taken over (driver % on %, epoch %)', p_run_id, r.driver, r.driver_host, r.driver_epoch USING ERRCODE = 'RB009';
  END IF;
END $$;
`;

export const MIGRATIONS: Migration[] = [
  { version: 1, what: 'runs, events (append-only, hash-chained), approvals (four eyes)', sql: V1 },
  { version: 2, what: 'one driver per run: claim_run (advisory lock per epoch), heartbeat, takeovers', sql: V2 },
  { version: 3, what: 'a resume or takeover waits out the driver before\'s lease, its lock held or not; append_events reads only its batch', sql: V3 },
  { version: 4, what: 'a four-eyes decision is taken only while the run waits at a gate of that step, one per gate', sql: V4 },
  { version: 5, what: 'a four-eyes decision names the gate visit it answers (runs.waiting_visit, approvals.gate)', sql: V5 },
  { version: 6, what: 'taking over a run is for runbook_operators (when that role exists); a resume by another role once the driver is gone is a recorded takeover', sql: V6 },
  { version: 7, what: 'retention: prune_runs removes whole runs that ended long ago, recorded in runbook.pruned (never stored again); indexes for runs', sql: V7 },
  { version: 8, what: 'signed chains: a driver with an SSH key signs the head of each batch it uploads (runbook.signatures, append_signed)', sql: V8 },
];

export const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.version;
