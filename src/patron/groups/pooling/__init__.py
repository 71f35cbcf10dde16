"""Group loyalty: bills that earn for a group, its loyalty details, goodwill and transfers."""
