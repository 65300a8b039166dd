"""Internal helpers shared by every subpackage (not public API)."""
