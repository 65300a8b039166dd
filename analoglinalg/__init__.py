"""analoglinalg: analog linear algebra on simulated crossbars of programmable resistors."""

__version__ = "0.1.0"
