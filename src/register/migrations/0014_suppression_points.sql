-- Suppression entries as points on ristretto255 under the register's own scalar (the setting
-- suppression_scalar, made when this migration runs): a bundle re-keys them to a scalar made for
-- it, so the register's keys never leave it and the receiver is not told why an address is kept
-- off. Entries whose email the register still holds get their point when this migration runs.
ALTER TABLE suppression ADD COLUMN point TEXT;
CREATE INDEX suppression_point ON suppression(point);
