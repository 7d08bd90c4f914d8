"""The command line: argv in, one command run, its result printed, an exit status out.

`main` is the console script and its fast path (no Typer, no pydantic) for plain `new`,
`check` and `status`; `app` defines every command with Typer, from the arguments, options and
exit codes `options` declares once; `running` runs a command function and reports its result
for both; `report` is the only code that prints. The exit statuses are `layergen.exit_status`.
"""
