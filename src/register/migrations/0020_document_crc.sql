-- The CRC-32 of a document's bytes, taken with its SHA-256 when it is added: the bundle writes a
-- stored zip entry's header (which carries the CRC) before its data, so with the CRC known the
-- file is read once, not twice. NULL: added before (the bundle reads such a file twice).
ALTER TABLE documents ADD COLUMN crc32 INTEGER;
