-- Whether the reviewer chose to redact the possible names of people in no register too.
ALTER TABLE document_reviews ADD COLUMN redact_unknown_names INTEGER NOT NULL DEFAULT 0;
