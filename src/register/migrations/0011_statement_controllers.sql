-- Which controllers a consent statement's wording names (a JSON array of slugs). NULL for a
-- statement stored before this was recorded: consents resting on it are flagged for review until
-- `statement controllers VERSION --set` records them.
ALTER TABLE statements ADD COLUMN controllers TEXT;
