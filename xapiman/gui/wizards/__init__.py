"""Wizards: several pages that shape one plan (the New VM wizard)."""
