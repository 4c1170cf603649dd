-- 0005: who went in each transfer (for Art 19 notifications), and stale transfers.
-- Never edit this file once shipped; add a new migration instead.

CREATE TABLE transfer_people (
    transfer_id TEXT NOT NULL REFERENCES transfers(id),
    person_id   TEXT NOT NULL REFERENCES people(id),
    PRIMARY KEY (transfer_id, person_id)
) STRICT;
CREATE INDEX transfer_people_person ON transfer_people(person_id);

ALTER TABLE transfers ADD COLUMN stale INTEGER NOT NULL DEFAULT 0;
