"""The only place learner code may write, and removal of folders a learner may have filled.

enter() runs in the sandboxed process before any learner code, while it still holds
CAP_SYS_ADMIN and CAP_SETPCAP in the sandbox's own user namespace (bubblewrap grants those two
and no other): it moves the process into a mount and an IPC namespace of its own, makes every
mount read-only, mounts a tmpfs bounded in bytes and in inodes on the working folder (and one a
quarter that size on /tmp and on /dev/shm), and drops every capability for good. The tmpfs lives in memory and in that
mount namespace only, never on the disk that holds the course; when the last process of the
submission dies the kernel frees the namespace, the tmpfs and every System V IPC object with it,
so nothing needs to be walked or removed afterwards, whatever the learner left there.

remove_tree() is for the places that are plain folders (the grader's own temporary folders, and
the working folder of the unconfined fallback): it walks without recursion, by file descriptors
relative to the folder being emptied, so depth, long paths, odd names, missing permissions,
symbolic links, FIFOs and sockets cannot stop it.

Only the standard library: this file is copied next to the worker inside the sandbox.
"""
import ctypes
import os
import stat

_CLONE_NEWNS, _CLONE_NEWIPC = 0x00020000, 0x08000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 16384, 1 << 18
_SYS_MOUNT_SETATTR, _AT_RECURSIVE, _MOUNT_ATTR_RDONLY = 442, 0x8000, 1
_PR_CAPBSET_DROP, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4
_CAPABILITY_VERSION_3 = 0x20080522


class ScratchError(Exception):
    """The private scratch space could not be set up: no learner code may run."""


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise ScratchError(f"{what}: {os.strerror(errno)}")


def _mount(libc, source, target, fstype, flags, data=None):
    _check(libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                      ctypes.c_ulong(flags), data and data.encode()), f"mount {target}")


def _all_read_only(libc):
    """Every mount of this namespace read-only: one mount_setattr, else a remount per mount."""
    attr = _MountAttr(_MOUNT_ATTR_RDONLY, 0, 0, 0)
    if libc.syscall(_SYS_MOUNT_SETATTR, -100, b"/", _AT_RECURSIVE, ctypes.byref(attr),
                    ctypes.sizeof(attr)) == 0:
        return
    with open("/proc/self/mountinfo") as table:
        mounts = [line.split()[4] for line in table]
    for target in mounts:
        target = target.encode().decode("unicode_escape")
        libc.mount(None, target.encode(), None, ctypes.c_ulong(_MS_REMOUNT | _MS_BIND | _MS_RDONLY
                                                               | _MS_NOSUID | _MS_NODEV), None)


def drop_capabilities(libc=None) -> None:
    """No capability left, not even one that an execve as root could bring back."""
    libc = libc or _libc()
    for cap in range(64):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header, data = _CapHeader(_CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    _check(libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status if line.startswith("Cap"))
    if any(int(fields[name], 16) for name in ("CapEff", "CapPrm", "CapBnd", "CapAmb")):
        raise ScratchError("capabilities are still held")


def enter(folder: str, size: int, inodes: int, places=()) -> None:
    """Make folder a fresh tmpfs of at most size bytes and inodes files and the process's working
    folder, give each of places (/tmp, /dev/shm) one a quarter that size, make everything else
    read-only; then drop every capability. Raises ScratchError when any step fails."""
    libc = _libc()
    _check(libc.unshare(_CLONE_NEWNS | _CLONE_NEWIPC), "unshare")
    _mount(libc, None, "/", None, _MS_REC | _MS_PRIVATE)
    _all_read_only(libc)
    flags = _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
    _mount(libc, "scratch", folder, "tmpfs", flags, f"size={int(size)},nr_inodes={int(inodes)},mode=0700")
    for place in places:
        if os.path.isdir(place):
            _mount(libc, "scratch", place, "tmpfs", flags, f"size={int(size) // 4},nr_inodes={int(inodes) // 4},mode=0700")
    os.chdir(folder)
    drop_capabilities(libc)


def remove_tree(path) -> bool:
    """Remove path and everything below it without recursion and without following links.
    Never raises; returns True when path is gone."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
            return True
        _empty(path)
        os.rmdir(path)
        return True
    except OSError:
        return not os.path.lexists(path)


def _open_dir(name, dir_fd=None):
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except PermissionError:
        os.chmod(name, 0o700, dir_fd=dir_fd)
        return os.open(name, flags, dir_fd=dir_fd)


def _empty(path):
    """Empty the folder path, one open descriptor at a time: list a folder once (removing its other
    entries), go down into its subfolders one after the other, come back up through '..' and
    remove each by name once it is empty. Meant for trees no process is still changing."""
    fd = _open_dir(path)
    pending = []  # per level above the current folder: names of its subfolders not yet removed
    try:
        while True:
            os.chmod(fd, 0o700)  # entries can be removed even where the learner took the rights away
            subfolders = []
            with os.scandir(fd) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        subfolders.append(entry.name)
                    else:
                        os.unlink(entry.name, dir_fd=fd)
            if not subfolders:  # empty: climb, removing finished folders, to the next one to do
                while pending:
                    parent = os.open("..", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=fd)
                    os.close(fd)
                    fd = parent
                    os.rmdir(pending[-1].pop(), dir_fd=fd)
                    if pending[-1]:
                        break
                    pending.pop()
                else:
                    return
                subfolders = pending.pop()
            pending.append(subfolders)
            inner = _open_dir(subfolders[-1], fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
