"""The grader's exceptions, in a module of their own so that every stage can raise them."""


class CommandError(Exception):
    """An operator error: the command or the course directory is unusable. Printed as one line,
    exit status 2."""


class SandboxFailure(Exception):
    """The sandbox itself failed (it would not start, broke its protocol, could not clean up)
    on a fresh slot too: no learner's fault, so the submission gets no score in this run and is
    reported as a grading problem; the next run tries it again."""


class NotebookSourceError(CommandError):
    """A text notebook of exercises/ that cannot be built into a source notebook; the message names
    the file and the cell."""


class CourseChecksError(CommandError):
    """A course's own checks file (DIR/checks/<a>.py) cannot be used; the message names it."""


class ReleaseConflict(CommandError):
    """What release would install disagrees with itself or with the course (points of a cell in the
    source, the student version and the gradebook; a check without its cells); nothing is written."""
