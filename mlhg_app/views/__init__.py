"""Pages of the platform itself: home, account, authentication, histories, exports, health, privacy."""
