"""The package's own warning categories."""

__all__ = ["AnalogWarning", "SaturationWarning", "ClippingWarning", "ConvergenceWarning"]


class AnalogWarning(UserWarning):
    """Base class of every warning ``analoglinalg`` emits."""


class SaturationWarning(AnalogWarning):
    """Devices hit their conductance bounds, so an update was not applied in full."""


class ClippingWarning(AnalogWarning):
    """The ADC or output bound clipped a read; the result is less accurate than usual."""


class ConvergenceWarning(AnalogWarning):
    """An iterative method stopped before reaching its tolerance."""
