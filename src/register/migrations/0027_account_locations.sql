-- 0027: where each account's service keeps its data, for the Art 30 record's processors and
-- international transfers.
-- Never edit this file once shipped; add a new migration instead.

CREATE TABLE account_locations (
    account_id   TEXT PRIMARY KEY REFERENCES accounts(id),
    country      TEXT NOT NULL,          -- ISO 3166-1 alpha-2 (GB for the UK)
    processor    INTEGER NOT NULL,       -- the service processes personal data on the controller's behalf
    safeguard    TEXT,                   -- the Art 46 safeguard or adequacy relied on, outside the UK
    recorded_at  TEXT NOT NULL
) STRICT;
