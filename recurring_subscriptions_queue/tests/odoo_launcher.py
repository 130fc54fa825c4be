"""Start Odoo the way its ``odoo-bin`` script does: ``python3 odoo_launcher.py [options]``.

The test and benchmark servers run with ``--workers``. Odoo's prefork master then
starts its long-polling process as ``sys.executable sys.argv[0] gevent ...``. Under
``python3 -m odoo``, ``sys.argv[0]`` is ``odoo/__main__.py``, which cannot run as a
plain file (relative import), so that process dies at once and the master starts it
again, several times a second, taking most of a core from the workers.
"""

import os

# As odoo-bin: the server's time zone is UTC before anything imports ``time``.
os.environ["TZ"] = "UTC"

import odoo

if __name__ == "__main__":
    odoo.cli.main()
