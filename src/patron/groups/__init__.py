"""Groups and hierarchies: fleets, families and companies that earn and redeem together."""
