"""The verbs of `xapiman-cli`, one module per area.

Each module here defines `register(tree: CommandTree)`, which adds its commands to the parser
with the function that runs each one (see `xapiman.scripting.tree`). Modules are found by
walking this package, so an area's verbs live in its own module and nowhere else.
"""
