"""The Search page: a configurable table of the objects below the selected one."""
