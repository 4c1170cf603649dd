-- Which person of this register each sender's reference stands for, per sender. A sender's
-- reference means nothing in this register (people are matched by email); it is kept only so that
-- a follow-up bundle from the same sender can say whom a row is about when this register holds
-- that person under another email. Erasure deletes a person's rows here.
CREATE TABLE received_refs (
    controller  TEXT NOT NULL,
    source_ref  TEXT NOT NULL,
    person_id   TEXT NOT NULL REFERENCES people(id),
    PRIMARY KEY (controller, source_ref)
);
