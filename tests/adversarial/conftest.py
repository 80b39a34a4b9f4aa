"""One release of 01_derivatives for the whole adversarial folder: each module grades a copy."""
import shutil

import pytest

from cases import A
from grader import release as release_module


@pytest.fixture(scope="session")
def _released(tmp_path_factory):
    course = tmp_path_factory.mktemp("released") / "course"
    release_module.release(course, [A])
    return course


@pytest.fixture(scope="module")
def released_copy(_released, tmp_path_factory):
    """A fresh copy of the released course (source, release, gradebook, secret), for one module."""
    course = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(_released, course, symlinks=True)
    return course
