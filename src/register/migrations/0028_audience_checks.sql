-- 0028: a mailing service's audience checked before it is handed over.
-- Never edit this file once shipped; add a new migration instead.

-- The data protection lead's word that a mailing-service account's audience holds no one the plan
-- holds back (cleaned, or exported and deleted): append-only, the latest counts.
CREATE TABLE account_audience_checks (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    how         TEXT NOT NULL,          -- cleaned | exported_and_deleted
    note        TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE TRIGGER account_audience_checks_no_update BEFORE UPDATE ON account_audience_checks
BEGIN SELECT RAISE(ABORT, 'audience checks are append-only'); END;
