"""xapiman: a desktop manager for XenServer and XCP-ng pools."""

__version__ = "0.1.0"
