"""Notifications service: who hears about what, and the in-app inbox they read it in."""
