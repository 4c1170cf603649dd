-- Capacity as a structured field of a consent event (NULL: not stated) with the assessment's
-- reference. An event recorded before, whose support note mentions capacity, keeps the concern
-- the plan used to read from that note.
ALTER TABLE consent_events ADD COLUMN capacity_concern INTEGER;
ALTER TABLE consent_events ADD COLUMN capacity_assessment TEXT;
UPDATE consent_events SET capacity_concern = 1 WHERE lower(support_given) LIKE '%capacity%';

-- The data protection lead's reviews of what the plan holds back for review: one row per
-- decision, append-only; the latest for a person and reason stands.
CREATE TABLE reviews (
    id            TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES people(id),
    reason        TEXT NOT NULL,      -- jurisdiction_review | adult_not_confirmed | capacity_query | statement_unrecorded
    decision      TEXT NOT NULL,      -- go | hold
    by_name       TEXT NOT NULL,
    note          TEXT NOT NULL,
    at            TEXT NOT NULL,
    signer_key_id TEXT,               -- the minisign key that signed it, if signed
    signature     TEXT                -- minisign signature of the review's canonical JSON
) STRICT;
CREATE INDEX reviews_person ON reviews(person_id, reason, at);
CREATE TRIGGER reviews_no_update BEFORE UPDATE OF person_id, reason, decision, by_name, note, at, signer_key_id, signature ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
