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
    issued_at       TEXT NOT NULL,
    revoked_at      TEXT,
    PRIMARY KEY (campaign_id, person_id)
);
