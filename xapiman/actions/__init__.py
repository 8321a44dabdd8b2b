"""One object per user operation, shared by the desktop app and the command line. No Qt."""
