-- Emails are matched with their domain normalised as IDNA (UTS #46) maps it (fullwidth letters
-- folded, ignorable characters dropped, international labels in their xn-- form). ASCII
-- addresses are unchanged; the normalised form of every other address is recomputed in code
-- right after this step (register::mod::renormalise_emails). Nothing to change in the schema.
SELECT 1;
