-- 0002: custodians, accounts with encrypted secrets, rotation steps, tasks.
-- Never edit this file once shipped; add a new migration instead.

CREATE TABLE custodians (
    recipient  TEXT PRIMARY KEY,          -- age1… X25519 recipient
    label      TEXT,
    added_at   TEXT NOT NULL,
    removed_at TEXT
) STRICT;

CREATE TABLE accounts (
    id              TEXT PRIMARY KEY,
    service         TEXT NOT NULL,
    url             TEXT NOT NULL,
    login           TEXT NOT NULL,
    personal_data   TEXT,                  -- what personal data the account holds
    paid_by         TEXT,
    paid_until      TEXT,
    recovery_email  TEXT,
    recovery_phone  TEXT,
    two_factor      TEXT,
    secret          BLOB NOT NULL,         -- age ciphertext to the custodians; never plaintext
    secret_recipients TEXT NOT NULL,       -- JSON array of the recipients it is encrypted to
    created_at      TEXT NOT NULL,
    secret_updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE account_rotations (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    what       TEXT NOT NULL,              -- password | recovery | 2fa | admins
    done_at    TEXT NOT NULL,
    done_by    TEXT NOT NULL
) STRICT;

CREATE TABLE tasks (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,              -- rotate_account, ...
    subject    TEXT NOT NULL,              -- the object it concerns (an id)
    title      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    due        TEXT NOT NULL,              -- YYYY-MM-DD
    created_at TEXT NOT NULL,
    done_at    TEXT,
    done_by    TEXT
) STRICT;
CREATE INDEX tasks_open ON tasks(done_at, due);
