"""Scale-out: tiled crossbars on a dask cluster (`analoglinalg.distributed`).

Needs the optional extra ``analoglinalg[dask]`` (dask and distributed); this package imports
without them and raises an ImportError naming the extra on first use.

DistributedCrossbar
    A tiled crossbar (a SciPy LinearOperator) whose tiles are single-tile Crossbars living on
    the workers of the user's ``distributed.Client``: reads and pulsed rank-1 updates run as
    tasks, partial results are summed digitally, ledgers are gathered and merged.
tile_seed
    The seed of one tile, a function of its block index only.
"""

from ._crossbar import DistributedCrossbar, tile_seed

__all__ = ["DistributedCrossbar", "tile_seed"]
