-- Accounts passed on by changing their admins (a Facebook group) rather than a password: no
-- secret (an empty blob), the outgoing and incoming admin lists (JSON arrays of names).
ALTER TABLE accounts ADD COLUMN access TEXT NOT NULL DEFAULT 'password';   -- password | admins
ALTER TABLE accounts ADD COLUMN admins_outgoing TEXT NOT NULL DEFAULT '[]';
ALTER TABLE accounts ADD COLUMN admins_incoming TEXT NOT NULL DEFAULT '[]';
