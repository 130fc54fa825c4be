"""Test-only bridge between Odoo's payment_stripe and localstripe.

localstripe (PyPI) is a stateful fake of Stripe's API. ``LocalStripe`` runs one on a
free loopback port for a test class. ``localstripe_adapter`` routes payment_stripe's
``PaymentProvider._stripe_make_request`` to it and bridges exactly the differences
listed in ../shared/REFERENCE.md, nothing else: Odoo's own request method (headers,
idempotency key, error handling of offline payments) still runs.

- payment_stripe hard-codes ``https://api.stripe.com/v1/``: the URL goes to localstripe;
- localstripe answers ``400 Unexpected <name>`` to ``description`` on intents and to
  ``shipping[...]`` on PaymentIntents, which payment_stripe always sends: dropped;
- payment_stripe sends GET parameters in the body, localstripe reads the query string;
- not in REFERENCE.md: for a SetupIntent in a currency of
  ``INDIAN_MANDATES_SUPPORTED_CURRENCIES`` (USD, EUR, GBP...), payment_stripe adds
  ``payment_method_options[card][mandate_options][...]`` (India e-mandates, ignored
  by Stripe elsewhere), which localstripe refuses too: dropped.
"""

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from unittest.mock import patch

import requests

from odoo.addons.payment_stripe.models import payment_provider as stripe_provider_module
from odoo.addons.payment_stripe.models.payment_provider import PaymentProvider

STRIPE_API_URL = "https://api.stripe.com/v1/"
STARTUP_TIMEOUT = 30.0  # seconds
# Parameters payment_stripe sends that localstripe refuses, per endpoint (first path part).
REJECTED_PARAMS = {
    "payment_intents": ("description", "shipping["),
    "setup_intents": ("description", "payment_method_options["),
}


class LocalStripe:
    """A ``localstripe --from-scratch`` process on a free port of 127.0.0.1."""

    def __init__(self):
        self.process = None
        self.port = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "localstripe", "--port", str(self.port), "--from-scratch"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._answers():
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"localstripe did not answer on port {self.port}")
            try:  # wait for the process to exit, briefly: it must not have died
                code = self.process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"localstripe exited with code {code}; is it installed?")
        return self

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:  # not listening yet
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def reset(self):
        """Forget every object (customers, intents, products...)."""
        requests.delete(f"{self.url}/_config/data", timeout=10).raise_for_status()


class _LocalStripeRequests:
    """Stands for the ``requests`` module inside payment_stripe's provider model."""

    exceptions = requests.exceptions

    def __init__(self, base_url):
        self.base_url = base_url

    def request(self, method, url, data=None, headers=None, timeout=None):
        url = url.replace(STRIPE_API_URL, f"{self.base_url}/v1/", 1)
        if method == "GET":
            return requests.request(method, url, params=data, headers=headers, timeout=timeout)
        return requests.request(method, url, data=data, headers=headers, timeout=timeout)


def _drop_rejected_params(endpoint, payload):
    rejected = REJECTED_PARAMS.get(endpoint.split("/")[0])
    if not payload or not rejected:
        return payload
    return {key: value for key, value in payload.items() if not key.startswith(rejected)}


@contextmanager
def localstripe_adapter(base_url):
    """Route payment_stripe's API requests to the localstripe at ``base_url``.

    :return: the list of the requests made, as (method, endpoint, payload, kwargs)
    """
    original = PaymentProvider._stripe_make_request
    calls = []
    local_requests = _LocalStripeRequests(base_url)

    def _stripe_make_request(
        provider, endpoint, payload=None, method="POST", offline=False, idempotency_key=None
    ):
        calls.append(
            (method, endpoint, payload, {"offline": offline, "idempotency_key": idempotency_key})
        )
        with patch.object(stripe_provider_module, "requests", local_requests):
            return original(
                provider,
                endpoint,
                payload=_drop_rejected_params(endpoint, payload),
                method=method,
                offline=offline,
                idempotency_key=idempotency_key,
            )

    with patch.object(PaymentProvider, "_stripe_make_request", _stripe_make_request):
        yield calls
