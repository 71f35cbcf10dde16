"""Partner programs: customers linked to external and supplementary programs."""
