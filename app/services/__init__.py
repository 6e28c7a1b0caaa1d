"""Business rules: plain functions over a session and plain values. They flush, never commit."""
