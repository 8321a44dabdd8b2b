"""The scripting command line, `xapiman-cli`."""
