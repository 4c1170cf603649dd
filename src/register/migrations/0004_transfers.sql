-- 0004: transfers made from this register.
-- Never edit this file once shipped; add a new migration instead.

CREATE TABLE transfers (
    id                TEXT PRIMARY KEY,        -- the bundle id
    controller        TEXT NOT NULL REFERENCES controllers(slug),
    name              TEXT NOT NULL,           -- the bundle's file name stem
    state             TEXT NOT NULL,           -- created | received | complete
    created_at        TEXT NOT NULL,
    plan_digest       TEXT NOT NULL,
    ciphertext_sha256 TEXT NOT NULL,           -- of NAME.zip.age, which the outer signature covers
    signer_key_id     TEXT NOT NULL,
    recipients        TEXT NOT NULL,           -- JSON array of recipient fingerprints
    counts            TEXT NOT NULL            -- JSON object
) STRICT;
