"""What the user keeps: connection profiles, passwords, pinned certificates. No Qt."""
