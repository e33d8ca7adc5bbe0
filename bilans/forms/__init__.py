"""Forms of the bilans app."""
