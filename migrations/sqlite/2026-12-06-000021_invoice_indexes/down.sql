DROP INDEX invoices_by_payment_reference;
DROP INDEX invoices_by_credited;
DROP INDEX invoices_newest;
