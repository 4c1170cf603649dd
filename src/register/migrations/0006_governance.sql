-- 0006: the data protection lead's records: rights requests and their clocks, complaints,
-- incidents (breaches), assessments, extra bank holidays, and the sender's wind-down after a transfer.
-- Never edit this file once shipped; add a new migration instead.

CREATE TABLE requests (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,              -- access | erasure | rectification | restriction | objection | portability
    person_id   TEXT REFERENCES people(id),
    received_on TEXT NOT NULL,              -- YYYY-MM-DD
    channel     TEXT,
    state       TEXT NOT NULL,              -- awaiting_identity | open | paused | extended | closed
    deadline    TEXT,                       -- YYYY-MM-DD, null while the clock has not started
    outcome     TEXT,
    closed_on   TEXT,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE request_events (
    id         INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests(id),
    event      TEXT NOT NULL,               -- opened | identity_received | paused | resumed | extended | closed
    on_date    TEXT NOT NULL,               -- YYYY-MM-DD
    note       TEXT,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX request_events_request ON request_events(request_id);
CREATE TRIGGER request_events_append_only_u BEFORE UPDATE ON request_events
BEGIN SELECT RAISE(ABORT, 'request events are append-only'); END;
CREATE TRIGGER request_events_append_only_d BEFORE DELETE ON request_events
BEGIN SELECT RAISE(ABORT, 'request events are append-only'); END;

CREATE TABLE bank_holidays (
    on_date TEXT PRIMARY KEY,               -- YYYY-MM-DD, added to the built-in England & Wales table
    name    TEXT NOT NULL
) STRICT;

CREATE TABLE complaints (
    id          TEXT PRIMARY KEY,
    received_on TEXT NOT NULL,
    person_id   TEXT REFERENCES people(id),
    summary     TEXT NOT NULL,
    ack_due     TEXT NOT NULL,              -- received + 30 days
    acked_on    TEXT,
    outcome     TEXT,
    closed_on   TEXT,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE incidents (
    id              TEXT PRIMARY KEY,
    what            TEXT NOT NULL,
    occurred_at     TEXT,
    discovered_at   TEXT NOT NULL,          -- ISO 8601 timestamp: the 72-hour clock starts here
    data            TEXT NOT NULL,          -- JSON array of data categories affected
    people          INTEGER NOT NULL,       -- number of people affected (estimate)
    ico             TEXT NOT NULL,          -- reported | not_reported | undecided
    ico_reported_at TEXT,
    ico_reason      TEXT,                   -- why not reported, or the ICO reference
    people_told     TEXT,                   -- yes | no | not_needed, with the reason in notes
    notes           TEXT,
    created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE assessments (
    ref         TEXT NOT NULL,
    version     TEXT NOT NULL,
    kind        TEXT NOT NULL,              -- lia | dpia | apd
    approver    TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    approved_on TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (ref, version)
) STRICT;

ALTER TABLE transfers ADD COLUMN delete_after TEXT;
ALTER TABLE transfers ADD COLUMN closed_at TEXT;
ALTER TABLE transfers ADD COLUMN wound_down_at TEXT;
ALTER TABLE transfers ADD COLUMN direction TEXT NOT NULL DEFAULT 'sent';   -- sent | received
