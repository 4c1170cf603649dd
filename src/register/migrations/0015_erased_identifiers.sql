-- What redaction needs to keep an erased (or anonymised) person's name, email and phone out of
-- every later bundle's documents, in a form that cannot be read back: HMAC-SHA256 with the
-- register's hash key of the normalised value (a name's words lower-cased and joined by one
-- space; an email normalised; a phone's digits), and a name's number of words.
CREATE TABLE erased_identifiers (
    person_id TEXT NOT NULL,
    kind      TEXT NOT NULL,      -- name | email | phone
    hash      TEXT NOT NULL,
    words     INTEGER,            -- a name's number of words
    PRIMARY KEY (kind, hash)
) STRICT;
