from . import recurring_stripe_import_wizard
