"""Referral campaigns: referral codes, invitations, referees and the incentives they earn."""
