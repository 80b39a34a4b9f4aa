"""Judging without a reference: wire data, comparison, diagnosis, messages and the self-check.

It holds no reference code; it is copied next to each student notebook as
`backprop_selfcheck`, so it imports only numpy and itself (relative imports).
"""
from .selfcheck import check, check_all, result

__all__ = ["check", "check_all", "result"]
