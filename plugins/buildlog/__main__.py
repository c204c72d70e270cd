"""`python -m buildlog [pelican's arguments]`: Pelican as `make html`, `make serve`, `make devserver` and
`make publish` run it, with a broken settings file said as settings.SettingsError (the file, the line,
what to do) instead of Pelican's CRITICAL line and traceback: Pelican reads its settings before any
plugin is loaded, through pelican.settings.get_settings_from_file, so this has it read them through
buildlog.settings."""

import sys

import pelican
import pelican.settings

from .refusals import report_bugs
from .settings import read_settings_file

if __name__ == "__main__":
    report_bugs()
    pelican.settings.get_settings_from_file = read_settings_file
    sys.exit(pelican.main(sys.argv[1:]))
