-- An incident is closed once its handling is over (the ICO's decision, if reported, recorded).
ALTER TABLE incidents ADD COLUMN closed_at TEXT;
