-- 0001: the register. Never edit this file once shipped; add a new migration instead.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE controllers (
    slug               TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL,
    is_self            INTEGER NOT NULL DEFAULT 0,
    contact            TEXT,
    accountable_person TEXT,
    ico_fee_status     TEXT,
    dsa_ref            TEXT,
    dpia_ref           TEXT,
    created_at         TEXT NOT NULL
) STRICT;

CREATE TABLE purposes (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    channels       TEXT NOT NULL,          -- JSON array of channel codes
    special        INTEGER NOT NULL,       -- consent must be explicit (Art 9)
    marketing      INTEGER NOT NULL,       -- direct marketing (PECR): suppression applies
    refresh_months INTEGER,                -- NULL: no refresh period
    fields         TEXT NOT NULL           -- JSON array of person fields this purpose carries
) STRICT;

CREATE TABLE people (
    id                TEXT PRIMARY KEY,
    ref               TEXT NOT NULL UNIQUE,
    name              TEXT,
    email             TEXT,
    email_norm        TEXT UNIQUE,
    phone             TEXT,
    organisation      TEXT,
    stakeholder_group TEXT,
    hub               TEXT,
    jurisdiction      TEXT NOT NULL,
    adult_confirmed   INTEGER NOT NULL,
    source            TEXT,
    joined_on         TEXT,
    notes             TEXT,
    created_at        TEXT NOT NULL,
    erased_at         TEXT
) STRICT;

CREATE TABLE roles (
    id          TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people(id),
    role        TEXT NOT NULL,
    hub         TEXT,
    from_date   TEXT NOT NULL,
    to_date     TEXT,
    designation TEXT,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX roles_person ON roles(person_id);

CREATE TABLE statements (
    version        TEXT NOT NULL,
    format         TEXT NOT NULL,
    purpose        TEXT NOT NULL REFERENCES purposes(code),
    sha256         TEXT NOT NULL,
    body           TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (version, format)
) STRICT;

CREATE TABLE notices (
    version        TEXT NOT NULL,
    format         TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    body           TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (version, format)
) STRICT;

CREATE TABLE notice_announces (
    notice_version TEXT NOT NULL,
    controller     TEXT NOT NULL REFERENCES controllers(slug),
    purpose        TEXT NOT NULL REFERENCES purposes(code),
    PRIMARY KEY (notice_version, controller, purpose)
) STRICT;

CREATE TABLE consent_events (
    id                 TEXT PRIMARY KEY,
    person_id          TEXT NOT NULL REFERENCES people(id),
    purpose            TEXT NOT NULL REFERENCES purposes(code),
    action             TEXT NOT NULL,
    controllers        TEXT NOT NULL,      -- JSON array of controller slugs
    channels           TEXT NOT NULL,      -- JSON array
    consent_kind       TEXT NOT NULL,      -- standard | explicit
    special_categories TEXT NOT NULL,      -- JSON array
    statement_version  TEXT,
    statement_sha256   TEXT,
    notice_version     TEXT,
    method             TEXT,
    evidence_ref       TEXT,
    at                 TEXT NOT NULL,
    recorded_by        TEXT NOT NULL,
    given_by           TEXT NOT NULL,
    authority_kind     TEXT,
    authority_ref      TEXT,
    verified_by        TEXT,
    verified_at        TEXT,
    support_given      TEXT,
    told_can_withdraw  INTEGER NOT NULL,
    context            TEXT,
    source             TEXT NOT NULL,      -- direct | import:<sha256>
    natural_key        TEXT NOT NULL UNIQUE,
    recorded_at        TEXT NOT NULL
) STRICT;
CREATE INDEX consent_person ON consent_events(person_id, purpose);

-- Consent events are append-only: only erasure may blank identifying columns.
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;
CREATE TRIGGER consent_events_no_update BEFORE UPDATE OF person_id, purpose, action, controllers, at, given_by, told_can_withdraw ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;

CREATE TABLE bases (
    id             TEXT PRIMARY KEY,
    person_id      TEXT NOT NULL REFERENCES people(id),
    purpose        TEXT NOT NULL REFERENCES purposes(code),
    action         TEXT NOT NULL,          -- record | object | restrict | lift_restriction
    basis          TEXT,
    controllers    TEXT NOT NULL,          -- JSON array; empty on object/restrict means all
    assessment_ref TEXT,
    decided_by     TEXT NOT NULL,
    decided_at     TEXT NOT NULL,
    natural_key    TEXT NOT NULL UNIQUE,
    recorded_at    TEXT NOT NULL
) STRICT;
CREATE INDEX bases_person ON bases(person_id, purpose);

CREATE TABLE notices_sent (
    id             TEXT PRIMARY KEY,
    person_id      TEXT NOT NULL REFERENCES people(id),
    notice_version TEXT NOT NULL,
    sent_at        TEXT NOT NULL,
    channel        TEXT NOT NULL,
    natural_key    TEXT NOT NULL UNIQUE,
    recorded_at    TEXT NOT NULL
) STRICT;

CREATE TABLE diversity (
    person_id  TEXT NOT NULL REFERENCES people(id),
    category   TEXT NOT NULL,
    value      TEXT NOT NULL,
    consent_id TEXT NOT NULL REFERENCES consent_events(id),
    set_at     TEXT NOT NULL,
    PRIMARY KEY (person_id, category)
) STRICT;

CREATE TABLE suppression (
    hash   TEXT PRIMARY KEY,                -- HMAC-SHA256(register secret, normalised email), hex
    reason TEXT NOT NULL,                   -- erased | unsubscribed | bounced | blocklisted | withdrawn
    at     TEXT NOT NULL,
    source TEXT NOT NULL
) STRICT;

CREATE TABLE tombstones (
    person_id TEXT PRIMARY KEY,
    hash      TEXT NOT NULL,
    erased_at TEXT NOT NULL,
    reason    TEXT NOT NULL,
    basis     TEXT NOT NULL,
    expires   TEXT NOT NULL
) STRICT;

CREATE TABLE imports (
    sha256      TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    counts      TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    details   TEXT NOT NULL,                -- JSON object; never a name, email or phone
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
