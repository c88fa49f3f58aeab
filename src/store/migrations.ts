// The store's schema, as numbered migrations. A migration is never edited once released: a change is a new
// one. Every write goes through a SECURITY DEFINER function (tables are read-only to everyone else), so who
// wrote what is the database's word (session_user), not the client's.
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

export const MIGRATIONS: Migration[] = [
  { version: 1, what: 'runs, events (append-only, hash-chained), approvals (four eyes)', sql: V1 },
];

export const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.version;
