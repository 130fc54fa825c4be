"""Exit non-zero with a clear message unless Odoo 18.0 is importable."""

import sys

try:
    import odoo.release
except ImportError:
    sys.exit(
        f"ERROR: Odoo 18.0 is not importable by {sys.executable}.\n"
        "       Install Odoo 18.0 from its official source into this Python "
        "(pip install <odoo-18.0 source tree>), or set PYTHON=/path/to/python."
    )
if tuple(odoo.release.version_info[:2]) != (18, 0):
    sys.exit(f"ERROR: Odoo 18.0 is required, found {odoo.release.version}.")
print(f"Odoo {odoo.release.version} found in {sys.executable}")
