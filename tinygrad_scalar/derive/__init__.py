"""derive wing."""
