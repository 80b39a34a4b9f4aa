"""The judge's exceptions, in a module of their own (the judge is also copied, alone, next to a
learner's notebook and into the sandbox)."""
from difflib import get_close_matches


class UnknownExercise(LookupError):
    """A check was asked for an exercise name the catalogue does not have; the message lists the
    closest names."""

    def __init__(self, name: object, known: list[str]):
        close = get_close_matches(str(name), known, n=3)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        listed = f" The exercises are: {', '.join(known)}." if len(known) <= 15 else ""
        super().__init__(f"There is no exercise named {name!r} here.{hint}{listed}")
        self.name = name
