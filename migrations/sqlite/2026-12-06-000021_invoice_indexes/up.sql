-- What the operator's invoice screens ask of the invoices (issue 18).

-- The platform's list, newest first: by the day of issue, a draft by the
-- day it was made (`invoices::platform_list` orders by exactly this
-- expression, so both backends read the index backwards, a page at a time).
CREATE INDEX invoices_newest ON invoices (COALESCE(issued_at, created_at), id);

-- A voided invoice's credit note (the invoice page links the two).
CREATE INDEX invoices_by_credited ON invoices (credits_invoice_id);

-- A bank statement's payment references, matched to invoices on import.
CREATE INDEX invoices_by_payment_reference ON invoices (payment_reference);
