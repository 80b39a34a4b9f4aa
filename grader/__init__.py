"""backprop-course grader: checks, diagnosis, isolated execution, release and batch grading."""
from .check import check, check_all, public_cases
from .judge.diagnose import Result

__all__ = ["check", "check_all", "public_cases", "Result"]
