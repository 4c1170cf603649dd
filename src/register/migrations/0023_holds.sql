-- Legal holds: a person whose data must not be altered or destroyed (a claim, an investigation,
-- a request being answered elsewhere) until the hold is released. Each hold is kept with who
-- placed it and why, and who released it and why.
CREATE TABLE holds (
    id              TEXT PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES people(id),
    reason          TEXT NOT NULL,
    placed_by       TEXT NOT NULL,
    placed_at       TEXT NOT NULL,
    released_by     TEXT,
    released_at     TEXT,
    release_reason  TEXT
);
CREATE INDEX holds_by_person ON holds(person_id);
