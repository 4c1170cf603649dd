-- The breach log is append-only: every change to an incident is kept as an event with the old and
-- new values, when and by whom (Art 33(5): the documentation of every breach and decision).
CREATE TABLE incident_events (
    id          INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents(id),
    field       TEXT NOT NULL,
    old         TEXT,
    new         TEXT,
    at          TEXT NOT NULL,
    by          TEXT NOT NULL
);
CREATE TRIGGER incident_events_no_update BEFORE UPDATE ON incident_events
BEGIN SELECT RAISE(ABORT, 'incident events are append-only'); END;
CREATE TRIGGER incident_events_no_delete BEFORE DELETE ON incident_events
BEGIN SELECT RAISE(ABORT, 'incident events are append-only'); END;
