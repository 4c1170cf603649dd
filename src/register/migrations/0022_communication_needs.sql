-- How a person needs written words (standard, easy_read, large_print): a campaign's letter is
-- written in it. NULL: not recorded (the standard form is used).
ALTER TABLE people ADD COLUMN communication_needs TEXT;
