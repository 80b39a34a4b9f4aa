"""The catalogue of checks: one Exercise per graded function, by assignment."""
from ..seeds import PUBLIC_SEED
from . import a01_derivatives, a02_regression, a03_classification, a04_worked_example, a05_training, a06_vectorized

MODULES = (a01_derivatives, a02_regression, a03_classification, a04_worked_example, a05_training, a06_vectorized)
ASSIGNMENTS = {module.A: [exercise.name for exercise in module.EXERCISES] for module in MODULES}
EXERCISES = {exercise.name: exercise for module in MODULES for exercise in module.EXERCISES}
