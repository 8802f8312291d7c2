"""HTTP routes of the credit service, one module per resource."""
