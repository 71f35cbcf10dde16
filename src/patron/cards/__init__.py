"""Cards: series, cards and their status labels, status changes, and linking cards to customers."""
