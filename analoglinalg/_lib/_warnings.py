"""The package's own warning categories."""

__all__ = ["AnalogWarning", "SaturationWarning", "ClippingWarning", "ConvergenceWarning"]


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
