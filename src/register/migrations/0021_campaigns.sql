-- Campaigns: asking people for consent, or telling them (a notice), on paper and by email.
-- A campaign names its receiver, what it asks (each purpose with the statement version shown) or
-- the notice it sends, and the day it closes.
CREATE TABLE campaigns (
    id              TEXT PRIMARY KEY,           -- the name it was given (lower case, digits, -)
    kind            TEXT NOT NULL,              -- consent | notice
    controller      TEXT NOT NULL REFERENCES controllers(slug),
    asks            TEXT NOT NULL,              -- JSON [{"purpose": ..., "statement_version": ...}]
    notice_version  TEXT,                       -- a notice campaign's notice
    closes_on       TEXT NOT NULL,              -- YYYY-MM-DD (London)
    contact         TEXT,                       -- who people contact, as printed
    form_url        TEXT,                       -- the online form, if any
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    closed_at       TEXT
);
-- Each person's code in a campaign, made when their letter or mail-merge row is made; reminders
-- reuse it. Holds no personal data: the code is from a keyed hash (the key is a setting).
CREATE TABLE campaign_codes (
    campaign_id     TEXT NOT NULL REFERENCES campaigns(id),
    person_id       TEXT NOT NULL REFERENCES people(id),
    code            TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL,              -- email | post, when it was issued
    statement_format TEXT NOT NULL,             -- the format of the statements sent with it
    letter_sha256   TEXT,                       -- the SHA-256 of the person's letter (post)
    issued_at       TEXT NOT NULL,
    revoked_at      TEXT,
    PRIMARY KEY (campaign_id, person_id)
);
-- Each answer a campaign received, per person and use: yes and no are also consent events (the
-- evidence; linked here), spoiled (both boxes, unreadable) and review (signed for by someone
-- without registered authority, a capacity concern) are not, until the data protection lead
-- decides. Silence records nothing.
CREATE TABLE campaign_answers (
    id              TEXT PRIMARY KEY,
    campaign_id     TEXT NOT NULL REFERENCES campaigns(id),
    person_id       TEXT NOT NULL REFERENCES people(id),
    purpose         TEXT NOT NULL,
    answer          TEXT NOT NULL,              -- yes | no | spoiled | review
    consent_event   TEXT REFERENCES consent_events(id),
    method          TEXT NOT NULL,
    at              TEXT NOT NULL,              -- when the person answered
    source          TEXT NOT NULL,              -- reply by hand, or the imported file's name and row
    note            TEXT,
    recorded_at     TEXT NOT NULL
);
CREATE INDEX campaign_answers_by_campaign ON campaign_answers(campaign_id, person_id);
-- Who was sent what, when, by which channel: each invitation and reminder, per person (the
-- evidence that a letter or email went, and the count of reminders).
CREATE TABLE campaign_sends (
    id              TEXT PRIMARY KEY,
    campaign_id     TEXT NOT NULL REFERENCES campaigns(id),
    person_id       TEXT NOT NULL REFERENCES people(id),
    channel         TEXT NOT NULL,              -- email | post
    what            TEXT NOT NULL,              -- invitation | reminder
    sent_at         TEXT NOT NULL,
    source          TEXT NOT NULL,              -- the send log's file name and row
    recorded_at     TEXT NOT NULL,
    UNIQUE (campaign_id, person_id, what, sent_at)
);
