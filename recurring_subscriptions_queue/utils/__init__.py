from . import batching
