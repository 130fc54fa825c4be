"""Print the addons path: Odoo's own addons, then this repository."""

import os

import odoo.addons

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
paths = [p for p in odoo.addons.__path__ if os.path.isdir(os.path.join(p, "base"))]
print(",".join([*paths, repo]))
