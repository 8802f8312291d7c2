"""The operator console: accounts, the /admin pages and JSON API, curated answers, the review queue, article uploads."""
