"""Invoice batches: building a period's pro-forma invoices, finance's decision, and the cycle's invoicing operations."""
