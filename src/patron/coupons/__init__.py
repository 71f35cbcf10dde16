"""Coupons: series (offers), coupons issued to customers, and their redemptions."""
