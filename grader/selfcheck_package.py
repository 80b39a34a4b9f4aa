"""Write the self-check package that sits next to a notebook: grader/judge plus its public cases."""
import json
import shutil
from pathlib import Path

from . import catalogue, judge
from .check import public_cases
from .course_config import CARRY_FORWARD

PACKAGE = "backprop_selfcheck"


def copy_judge(target: str | Path) -> Path:
    """Copy grader/judge's modules into the folder target (created): the code that judges without a
    reference, for a learner's self-check or a sandboxed worker."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for module in sorted(Path(judge.__file__).parent.glob("*.py")):
        shutil.copyfile(module, target / module.name)
    return target


def write_selfcheck(directory: str | Path, assignment: str, cat: catalogue.Catalogue = catalogue.PACKAGE,
                    policy: str = CARRY_FORWARD) -> Path:
    """Create directory/backprop_selfcheck/ (judge modules, the course's grading policy and the
    public cases of the assignment's exercises in cat); return its path."""
    target = Path(directory) / PACKAGE
    if target.exists():
        shutil.rmtree(target)
    copy_judge(target)
    data = json.dumps({"policy": policy, "exercises": public_cases(assignment, cat)}, indent=1, ensure_ascii=False)
    (target / "public_cases.json").write_text(data + "\n", encoding="utf-8")
    return target
