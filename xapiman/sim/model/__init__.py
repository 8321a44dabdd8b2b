"""The datamodel the simulator serves (generated tables plus the rules for implicit messages)."""
