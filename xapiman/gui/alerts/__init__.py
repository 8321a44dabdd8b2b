"""The Alerts view: the alerts of every connected pool in one list."""
