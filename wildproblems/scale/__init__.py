"""The scale wing: the same map on a Dask cluster (``wp.map(..., client=...)``).

See :mod:`wildproblems.scale.distributed`. Dask is an optional extra:
``pip install wildproblems[dask]``.
"""

from .distributed import SAMPLE_SIZE, map_on_cluster

__all__ = ["SAMPLE_SIZE", "map_on_cluster"]
