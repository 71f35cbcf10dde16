"""Customer images: one profile image per customer, its bytes kept in the blob store."""
