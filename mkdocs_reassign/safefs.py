"""Opening files without surprises, for every reader of docs, contracts and source files: only regular files
(never a FIFO, device, socket or a file of /proc or /sys, checked before anything is read), a symbolic link that
leaves the folder the file belongs to refused, and a size cap. Standard library only: the bottom layer."""

from __future__ import annotations

import os
import stat


class ReadError(OSError):
    """A file refused before (or instead of) reading it: ``message`` and ``hint`` never quote its content.
    An OSError, so that a reader that already handles unreadable files handles these too."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


_PSEUDO_ROOTS = ("/proc", "/sys", "/dev")
_pseudo_devs: set[int] | None = None


def _pseudo_dev(st_dev: int) -> bool:
    """True for a file on procfs or sysfs (its regular files say size 0 and may block or never end)."""
    global _pseudo_devs
    if _pseudo_devs is None:
        devs = set()
        for p in ("/proc", "/sys"):
            try:
                devs.add(os.stat(p).st_dev)
            except OSError:
                pass
        _pseudo_devs = devs
    return st_dev in _pseudo_devs


def inside(real: str, root_real: str) -> bool:
    """Is the real path ``real`` the folder ``root_real`` (a real path) or under it?"""
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def leaves_root(abs_path: str, root: str) -> str | None:
    """Where ``abs_path`` really is, when a symbolic link takes it out of ``root``; else None. Never raises."""
    try:
        real = os.path.realpath(abs_path)
        return None if inside(real, os.path.realpath(root)) else real
    except (OSError, ValueError):
        return None


def _refuse_pseudo(real: str) -> None:
    if any(real == r or real.startswith(r + "/") for r in _PSEUDO_ROOTS):
        raise ReadError(f"a link to {real}, a kernel file or device, not a regular file", "remove the link")


def open_regular(path: str, *, root: str | None = None, root_name: str = "docs_dir"):
    """Open a regular file for reading in binary, never blocking and reading nothing first.

    Refused with ``ReadError`` (checked on the path before it is opened, then on the open file): a path
    that a symbolic link takes out of ``root``, a FIFO, socket, device or folder, a file of /proc, /sys or
    /dev. OSError (missing, permissions, a link loop) is left to the caller.
    """
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        st = os.stat(path)  # a dangling link or a loop: OSError, said as such
        real = os.path.realpath(path)
        if root is not None and not inside(real, os.path.realpath(root)):
            raise ReadError(f"symbolic link leaving {root_name} (to {real})",
                            f"copy the file into {root_name} instead of linking to it")
        _refuse_pseudo(real)
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(f"not a regular file ({_kind(st.st_mode)})", "replace it with a regular file")
    if _pseudo_dev(st.st_dev):
        raise ReadError("a kernel file (/proc or /sys), not a regular file", "remove it or the link to it")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        fst = os.fstat(fd)
        if not stat.S_ISREG(fst.st_mode) or (fst.st_dev, fst.st_ino) != (st.st_dev, st.st_ino):
            raise ReadError("the file was replaced while it was opened (it is not a regular file now)", "save it again")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str, limit: int, *, root: str | None = None, root_name: str = "docs_dir") -> bytes:
    """The bytes of a regular file (``open_regular``), refused with ReadError past ``limit`` bytes (never read)."""
    with open_regular(path, root=root, root_name=root_name) as f:
        size = os.fstat(f.fileno()).st_size
        if size > limit:
            raise ReadError(_too_big(size, limit), "split the file")
        data = f.read(limit + 1)
    if len(data) > limit:  # it grew while it was read
        raise ReadError(_too_big(len(data), limit), "split the file")
    return data


def _too_big(size: int, limit: int) -> str:
    mb = 1024 * 1024
    return f"file is {size // mb} MB, over the {limit // mb} MB limit" if limit >= mb else f"file is over the {limit:,}-byte limit"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def stat_key(st: os.stat_result) -> tuple:
    """What a rebuild compares to know a file is unchanged: its inode, device, mtime, ctime and size. ``cp -p``
    and ``rsync -t`` keep mtime and size but not ctime (set by the kernel on every write) nor, for rsync, the
    inode. One key for docs, contracts and cited source files."""
    return (st.st_ino, st.st_dev, st.st_mtime_ns, st.st_ctime_ns, st.st_size)
