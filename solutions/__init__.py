"""Reference solutions for every exercise of the catalogue, by assignment.

Only the trusted side of the grader imports this package; learner code never can.
"""
from .derivatives import *  # noqa: F401,F403
from .regression import *  # noqa: F401,F403
from .classification import *  # noqa: F401,F403
from .worked_example import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .vectorized import *  # noqa: F401,F403
