-- Which format of the statement (standard, easy_read, audio_script) the person was shown: an
-- easy-read form is evidence of its own. NULL: not recorded (every event recorded before).
ALTER TABLE consent_events ADD COLUMN statement_format TEXT;
