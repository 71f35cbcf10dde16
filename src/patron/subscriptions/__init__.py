"""Subscriptions: a customer's opt-in or opt-out per channel, priority and source account."""
