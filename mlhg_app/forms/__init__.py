"""Forms of the platform itself."""
