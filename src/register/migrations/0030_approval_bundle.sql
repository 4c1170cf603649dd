-- 0030: the bundle id an approval is for.
-- Never edit this file once shipped; add a new migration instead.

-- `transfer approve` names the id of the one bundle it approves and signs it: `bundle create` makes
-- that bundle, once, and a receiver refuses an approval carried under any other id.
ALTER TABLE approvals ADD COLUMN bundle_id TEXT;
