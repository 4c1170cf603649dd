-- 0025: the approver is not the sender.
-- Never edit this file once shipped; add a new migration instead.

-- Every key this register signs a transfer's papers with (bundles and the checkpoints they carry,
-- receipts, Art 19 notifications, completion statements): such a key is never an approver.
CREATE TABLE signing_keys (
    key_id      TEXT PRIMARY KEY,      -- minisign key id (16 hex digits)
    first_use   TEXT NOT NULL,         -- bundle | receipt | notification | completion
    first_at    TEXT NOT NULL
) STRICT;
INSERT OR IGNORE INTO signing_keys(key_id, first_use, first_at)
    SELECT signer_key_id, 'bundle', created_at FROM transfers WHERE direction = 'sent';

-- Who vouched for each change to the approvers: the key that signed it (an existing approver's,
-- or for the first approver their own) and the signature over what changed. NULL for approvers
-- registered before changes were signed.
ALTER TABLE approvers ADD COLUMN added_by TEXT;
ALTER TABLE approvers ADD COLUMN add_signature TEXT;
ALTER TABLE approvers ADD COLUMN removed_by TEXT;
ALTER TABLE approvers ADD COLUMN remove_signature TEXT;

