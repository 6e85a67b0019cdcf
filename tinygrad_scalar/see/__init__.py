"""see wing."""
