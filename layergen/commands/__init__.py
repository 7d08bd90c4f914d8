"""What each CLI command does, as plain functions over the pipeline: in, the command's
arguments; out, a `CommandResult` (lines to show, problems, exit code). Nothing here prints.
"""

from layergen.commands.generated_files import check, new, status
from layergen.commands.setup import init, schema
from layergen.commands.validate import validate

__all__ = ["check", "init", "new", "schema", "status", "validate"]
