"""Small helpers shared by every domain; nothing here imports a domain."""
