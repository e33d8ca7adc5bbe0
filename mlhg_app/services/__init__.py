"""Services of the platform itself: people and their accounts."""
