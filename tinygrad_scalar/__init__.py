"""A scalar reverse-mode automatic differentiation engine."""
