"""Pro-forma invoices: numbering per year without gaps (numbering), what an invoice says (document), its PDF
(rendering), issuing an approved batch (issuing) and sending each partner its PDF (delivery)."""
