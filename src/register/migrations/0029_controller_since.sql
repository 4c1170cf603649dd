-- 0029: when an organisation began as a controller of this register's data.
-- Never edit this file once shipped; add a new migration instead.

-- Set for a receiving group's own controller when its register is built from a bundle, or by hand
-- (`controller add|edit --since`): no statement in its name is effective before it.
CREATE TABLE controller_since (
    slug   TEXT PRIMARY KEY REFERENCES controllers(slug),
    since  TEXT NOT NULL                 -- YYYY-MM-DD
) STRICT;
