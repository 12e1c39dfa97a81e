"""The `nqihub` console script: Django's manage.py plus the project's own commands.

Project commands are Django management commands with underscores in their module names; on the command line
they are spelled with hyphens (`nqihub load-reference`), and a few read better under a short alias
(`nqihub import enterprises PATH`).
"""

import os
import sys

ALIASES = {
    "import": "import_records",
    "export": "export_records",
}


def command_name(word: str) -> str:
    """Map a word typed on the command line to the management command it names."""
    return ALIASES.get(word, word.replace("-", "_"))


def main(argv: list[str] | None = None) -> None:
    """Run a management command, translating the project's command spellings first."""
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = command_name(argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqihub.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
