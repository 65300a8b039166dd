"""The package's own warning categories, and how they are raised."""

import sys
import warnings
from pathlib import Path

import scipy.sparse.linalg

__all__ = ["AnalogWarning", "SaturationWarning", "ClippingWarning", "ConvergenceWarning",
           "warn"]

# Frames inside these folders are skipped when a warning is attributed to a line: the
# user's call may reach the crossbar through several of our wrappers and SciPy's
# LinearOperator methods, and the warning should point at the user's line.
_INTERNAL = (str(Path(__file__).resolve().parents[1]),
             str(Path(scipy.sparse.linalg.__file__).resolve().parent))


def warn(message, category):
    """Issue ``message`` as ``category``, attributed to the first caller outside the package."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_INTERNAL):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level + 1)


class AnalogWarning(UserWarning):
    """Base class of every warning ``analoglinalg`` emits.

    Examples
    --------
    >>> import warnings
    >>> from analoglinalg import AnalogWarning
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", AnalogWarning)  # silence all of the package's
    ...     warnings.warn("devices saturated", AnalogWarning)
    """


class SaturationWarning(AnalogWarning):
    """Devices hit their conductance bounds, so an update was not applied in full.

    Examples
    --------
    >>> from analoglinalg import AnalogWarning, SaturationWarning
    >>> issubclass(SaturationWarning, AnalogWarning)
    True
    """


class ClippingWarning(AnalogWarning):
    """The ADC or output bound clipped a read; the result is less accurate than usual.

    Examples
    --------
    >>> from analoglinalg import AnalogWarning, ClippingWarning
    >>> issubclass(ClippingWarning, AnalogWarning)
    True
    """


class ConvergenceWarning(AnalogWarning):
    """An iterative method stopped before reaching its tolerance.

    Examples
    --------
    >>> from analoglinalg import AnalogWarning, ConvergenceWarning
    >>> issubclass(ConvergenceWarning, AnalogWarning)
    True
    """
