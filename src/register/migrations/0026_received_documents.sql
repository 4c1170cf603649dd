-- 0026: documents a bundle brought are part of the receiving register.
-- Never edit this file once shipped; add a new migration instead.

-- The bundle a received document came in (NULL: the register's own document). Its path is where
-- the import put it, in the folder beside the register.
ALTER TABLE documents ADD COLUMN received_from TEXT;
