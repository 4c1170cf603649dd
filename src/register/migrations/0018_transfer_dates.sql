-- When a transfer's receipt and rotation statement arrived (a receipt that comes after the
-- statement is still recorded), and a bundle voided because it was made by mistake (never sent,
-- or sent again): a voided bundle is not counted as a transfer. Registers from before take the
-- dates from their audit log.
ALTER TABLE transfers ADD COLUMN receipt_at TEXT;
ALTER TABLE transfers ADD COLUMN completed_at TEXT;
ALTER TABLE transfers ADD COLUMN voided_at TEXT;
ALTER TABLE transfers ADD COLUMN void_reason TEXT;
UPDATE transfers SET receipt_at = (
    SELECT a.at FROM audit_log a WHERE a.action IN ('transfer.received', 'bundle.import') AND a.subject = transfers.id
    ORDER BY a.seq LIMIT 1
);
UPDATE transfers SET completed_at = (
    SELECT a.at FROM audit_log a WHERE a.action IN ('transfer.complete', 'transfer.complete_statement') AND a.subject = transfers.id
    ORDER BY a.seq LIMIT 1
);
