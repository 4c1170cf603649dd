-- 0003: transfer plan approvals, documents and their reviews.
-- Never edit this file once shipped; add a new migration instead.

CREATE TABLE approvals (
    id          TEXT PRIMARY KEY,
    controller  TEXT NOT NULL REFERENCES controllers(slug),
    digest      TEXT NOT NULL,            -- SHA-256 of the plan that was approved
    approver    TEXT NOT NULL,
    approved_at TEXT NOT NULL
) STRICT;

CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    path           TEXT NOT NULL,          -- absolute path of the source file
    file_name      TEXT NOT NULL,
    category       TEXT NOT NULL,          -- report | minutes | charter | presentation | blog | video | other
    classification TEXT NOT NULL,          -- none | personal | special
    format         TEXT NOT NULL,          -- txt | md | csv | html | json | docx | pdf | image | video | pptx | other
    sha256         TEXT NOT NULL,          -- of the file when added
    size           INTEGER NOT NULL,
    added_at       TEXT NOT NULL
) STRICT;

CREATE TABLE document_reviews (
    id                   TEXT PRIMARY KEY,
    document_id          TEXT NOT NULL REFERENCES documents(id),
    controller           TEXT NOT NULL REFERENCES controllers(slug),
    decision             TEXT NOT NULL,    -- include | withhold
    reviewer             TEXT NOT NULL,
    note                 TEXT NOT NULL,
    source_sha256        TEXT NOT NULL,    -- the document as it was reviewed
    redacted_sha256      TEXT,             -- the automated redaction that was reviewed (text formats)
    redacted_copy_path   TEXT,             -- a reviewed, manually redacted copy (other formats)
    redacted_copy_sha256 TEXT,
    reviewed_at          TEXT NOT NULL
) STRICT;
CREATE INDEX document_reviews_doc ON document_reviews(document_id, controller);
