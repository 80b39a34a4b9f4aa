"""The learner's writable space and the removal of folders a learner may have filled."""
import os
import socket
import stat

import pytest

from grader.judge import wire
from grader.sandbox import Limits, Zygote, confine, oneshot, scratch

FILL = ("import os\n"
        "def f():\n"
        "    written, files = 0, 0\n"
        "    try:\n"
        "        for i in range(1000):\n"
        "            with open(f'big{i}', 'wb') as out:\n"
        "                out.write(b'x' * (4 * 2 ** 20))\n"
        "            written += 4\n"
        "    except OSError as exc:\n"
        "        full = exc.errno\n"
        "    try:\n"
        "        for i in range(100000):\n"
        "            open(f'small{i}', 'w').close()\n"
        "            files += 1\n"
        "    except OSError as exc:\n"
        "        inodes = exc.errno\n"
        "    return [written, full, files, inodes]\n")


def _tree(root, depth, name="d"):
    """A tree as a learner makes it: relative mkdir and chdir, with odd entries on the way."""
    here = os.getcwd()
    os.chdir(root)
    try:
        for i in range(depth):
            os.mkdir(name)
            os.chdir(name)
            if i % 300 == 0:
                os.mkfifo("fifo")
                os.symlink("/", "root_link")
                open("odd \udcff\nname", "w").close()
                with socket.socket(socket.AF_UNIX) as s:
                    s.bind("sock")
                os.mkdir("locked")
                open("locked/inside", "w").close()
                os.chmod("locked", 0)
        os.chmod(".", stat.S_IRUSR | stat.S_IXUSR)  # the deepest folder: no write permission
    finally:
        os.chdir(here)


@pytest.mark.slow
def test_remove_tree_takes_deep_wide_and_odd_trees_without_following_links(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("x")
    root = tmp_path / "left_behind"
    root.mkdir()
    _tree(root, 3000, name="d" * 100)  # paths far longer than PATH_MAX; Python's rmtree recurses
    (root / "link_out").symlink_to(outside)
    wide = root / "wide"
    wide.mkdir()
    for i in range(3000):
        (wide / str(i)).mkdir()
        (wide / str(i) / 'f').write_text('x')
    assert scratch.remove_tree(root) is True
    assert not root.exists() and (outside / "keep").read_text() == "x"


def test_remove_tree_never_raises(tmp_path):
    assert scratch.remove_tree(tmp_path / "absent") is True
    (tmp_path / "file").write_text("x")
    assert scratch.remove_tree(tmp_path / "file") is True


@pytest.mark.skipif(not confine.available()[0], reason="needs bubblewrap namespaces (CI installs them)")
def test_the_scratch_space_is_bounded_in_bytes_and_inodes_and_leaves_nothing():
    limits = Limits(cpu=30, call_cpu=20, scratch_bytes=32 * 2 ** 20, scratch_inodes=500)
    calls = [{"exercise": "f", "case": 0, "inputs": wire.encode([]), "public": True}]
    with Zygote(limits) as zygote:
        for _ in range(2):  # the second run starts from an empty space again
            outcome = zygote.run([{"id": "f_solution", "code": FILL}], calls, trace=["f"]).outcomes[("f", 0)]
            written, full, files, inodes = outcome.value
            assert written <= 32 and full == 28  # ENOSPC at the byte limit
            assert files < 500 and inodes == 28  # and at the inode limit
        assert zygote.fallbacks == 0


@pytest.mark.slow
def test_unconfined_fallback_removes_a_deep_tree_from_the_host(monkeypatch, tmp_path):
    monkeypatch.setattr(confine, "available", lambda: (False, "testing the fallback"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    code = ("import os\n"
            "for _ in range(1500):\n"
            "    os.mkdir('d' * 50)\n"
            "    os.chdir('d' * 50)\n"
            "def f():\n    return 1.0\n")
    result = oneshot.run([{"id": "f_solution", "code": code}],
                         [{"exercise": "f", "case": 0, "inputs": wire.encode([]), "public": True}],
                         Limits(cpu=20, call_cpu=5, cell_cpu=15))
    assert result.outcomes[("f", 0)].value == 1.0
    assert os.listdir(tmp_path) == []
