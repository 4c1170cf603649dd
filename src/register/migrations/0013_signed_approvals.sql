-- Who may approve a plan: the data protection lead's minisign public keys.
CREATE TABLE approvers (
    key_id      TEXT PRIMARY KEY,      -- minisign key id (16 hex digits)
    public_key  TEXT NOT NULL,         -- the RW... public key
    name        TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    removed_at  TEXT
) STRICT;

-- An approval is signed by an approver over the plan's digest and the digest of every value the
-- bundle will carry. Older approvals have neither and no longer count.
ALTER TABLE approvals ADD COLUMN values_digest TEXT;
ALTER TABLE approvals ADD COLUMN signer_key_id TEXT;
ALTER TABLE approvals ADD COLUMN public_key TEXT;
ALTER TABLE approvals ADD COLUMN signature TEXT;
