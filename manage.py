#!/usr/bin/env python
import os
import sys

# Authoring commands only read content/; they must not need production secrets.
AUTHORING_COMMANDS = {"check_content", "exercise_rules", "grade", "pygments_css"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course.settings.base")
    if len(sys.argv) > 1 and sys.argv[1] in AUTHORING_COMMANDS:
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
