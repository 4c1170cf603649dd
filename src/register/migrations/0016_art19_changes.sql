-- The reference each person had when a transfer carried them (what the receiver holds: the
-- bundle's entry), and the changes owed to each receiver under Art 19 until `transfer notify`
-- sends them.
ALTER TABLE transfer_people ADD COLUMN ref TEXT;
UPDATE transfer_people SET ref = (SELECT p.ref FROM people p WHERE p.id = transfer_people.person_id);

CREATE TABLE art19_changes (
    id          TEXT PRIMARY KEY,
    transfer_id TEXT NOT NULL REFERENCES transfers(id),
    person_id   TEXT NOT NULL,
    ref         TEXT NOT NULL,      -- the person's reference as the bundle carried it
    what        TEXT NOT NULL,      -- withdrawal | erasure | rectification | restriction | objection
    purpose     TEXT,
    detail      TEXT,               -- rectification: the carried fields' new values (JSON)
    at          TEXT NOT NULL,
    notified_in TEXT                -- the notification that carried it
) STRICT;
CREATE INDEX art19_changes_open ON art19_changes(transfer_id, notified_in);
