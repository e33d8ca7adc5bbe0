"""Models of this app (filled by its feature issue)."""
