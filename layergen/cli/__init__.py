"""The command line: argv in, one command run, its result printed, an exit status out.

`main` is the console script and its fast path (no Typer, no pydantic) for plain `new`,
`check` and `status` lines; `app` defines every command and option with Typer; `report` is
the only code that prints.
"""
