"""The catalogue of checks: one Exercise per graded function, read from exercises/<a>/checks.py
for every assignment of the registry, in its order."""
import exercises

from .exercise import Exercise


def _load() -> dict[str, list[Exercise]]:
    out = {}
    for assignment in exercises.ASSIGNMENTS:
        module = exercises.checks(assignment)
        listed = list(getattr(module, "EXERCISES", ()))
        wrong = [e.name for e in listed if e.info.assignment != assignment]
        if not listed or wrong:
            raise ImportError(f"exercises/{assignment}/checks.py must define EXERCISES, the Exercises of "
                              f"{assignment}" + (f"; these say another assignment: {', '.join(wrong)}" if wrong else ""))
        out[assignment] = listed
    return out


_BY_ASSIGNMENT = _load()
ASSIGNMENTS = {a: [e.name for e in listed] for a, listed in _BY_ASSIGNMENT.items()}
EXERCISES = {e.name: e for listed in _BY_ASSIGNMENT.values() for e in listed}
if len(EXERCISES) != sum(map(len, ASSIGNMENTS.values())):
    raise ImportError("two checks share a function name: every graded function needs a name of its own")
