"""Every file a command writes goes through here: the edit of a doc (`fix`), a new doc (`new`), the baseline
and the `-o` report. What each guarantees is in docs/guarantees.md ("Writing files").

- ``edit_file``: replace a doc's bytes only while they are still the bytes the caller read. On Linux the edit
  is made in place under a write lease (fcntl F_SETLEASE): the lease is granted only while no other process
  has the file open, and any open() by another process waits until it is released, so no write by an editor
  or a script can land between the final check and the write. The inode stays: mode, owner, ACLs and hard
  links are kept. Where no lease can be had, an atomic rename after a last check, then a check of the old
  inode (a write that slipped in is saved beside the file, never lost).
- ``create_file``: a new file appears whole or not at all (temp file, then link(2), which never replaces).
- ``write_output``: a regular file or a new path is replaced atomically; a device or FIFO is written through
  (opened, never replaced); a symbolic link to a regular file is refused.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time

LEASE_TRIES = 50  # x 20 ms: how long fix waits for another program to close the file
_TEMP = ".reassign-fix."


class Refused(Exception):
    """A write not made; the message says why (one line, for the user)."""


class Changed(Refused):
    """The file is no longer the bytes that were read: read it again and retry."""


def inside(path: str, root: str, what: str = "docs_dir") -> str:
    """The real path of ``path`` (symbolic links resolved), refused when it lies outside the real ``root``."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    if real != top and not real.startswith(top.rstrip(os.sep) + os.sep):
        raise Refused(f"resolves to {real}, outside {what} ({top}); nothing written")
    return real


def _mode_text(st) -> str:
    return stat.filemode(st.st_mode)


def _writable(st, path: str) -> None:
    """Refuse what the user may not write, by the mode bits (root passes permission checks: not here)."""
    if not stat.S_ISREG(st.st_mode):
        raise Refused(f"not a regular file ({_mode_text(st)}); nothing written")
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise Refused(f"read-only ({_mode_text(st)}); nothing written (make it writable to let fix edit it)")


def _read_all(fd: int) -> bytes:
    """The whole file from its start (the descriptor's offset moves: every write here is positioned)."""
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _backup(folder: str, data: bytes) -> str:
    """The old bytes in a temp file beside the doc, until the edit is on disk (a crash mid-write loses nothing)."""
    fd, tmp = tempfile.mkstemp(prefix=_TEMP, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def edit_file(path: str, expected: bytes, new: bytes, use_lease: bool = True) -> None:
    """Write ``new`` over ``path`` if its content is still ``expected``; raise Changed or Refused otherwise."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise Refused(f"cannot write: {e.strerror or e}") from None
    _writable(st, path)
    lease = _lease_signal() if use_lease else None
    if lease is None or not _edit_leased(path, expected, new, lease):  # no lease here: the checked rename
        _replace(path, st, expected, new)


def _lease_signal():
    """The signal a lease break sends (one whose default is to be ignored), or None without leases."""
    try:
        import fcntl
        import signal
    except ImportError:  # pragma: no cover - not a POSIX system
        return None
    if not hasattr(fcntl, "F_SETLEASE") or not hasattr(fcntl, "F_SETSIG"):
        return None
    return signal.SIGURG


def _edit_leased(path: str, expected: bytes, new: bytes, sig) -> bool:
    """The edit in place under a write lease; False when no lease can be taken here (then: rename)."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as e:
        raise Refused(f"cannot write: {e.strerror or e}") from None
    try:
        fcntl.fcntl(fd, fcntl.F_SETSIG, sig)
        if not _take_lease(fd):
            return False
        try:
            _check_and_write(fd, path, expected, new)
        finally:
            fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
        return True
    except OSError as e:
        raise Refused(f"cannot write: {e.strerror or e}; nothing written") from None
    finally:
        os.close(fd)


def _take_lease(fd: int) -> bool:
    import fcntl

    for _ in range(LEASE_TRIES):
        try:
            fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)
            return True
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EBUSY):
                return False  # EINVAL (a filesystem without leases), EACCES (another user's file), ...
        time.sleep(0.02)  # another process has it open: an editor saving, a script appending
    raise Refused("another program keeps it open (an editor, a tail -f?); nothing written (close it and run fix again)")


def _check_and_write(fd: int, path: str, expected: bytes, new: bytes) -> None:
    """Under the lease no other process has the file open and none can open it (an open() waits for the
    release): check the bytes, keep them in a synced backup beside the file, then write in place."""
    if _read_all(fd) != expected:
        raise Changed("changed on disk since it was read; nothing written (run fix again)")
    try:
        backup = _backup(os.path.dirname(path), expected)
    except OSError as e:
        raise Refused(f"cannot write a temp file beside it: {e.strerror or e}; nothing written") from None
    try:
        _write_in_place(fd, path, expected, new, backup)
    except Refused as e:
        if backup in str(e):  # the old bytes could not be put back: the backup is the user's copy
            raise
        os.unlink(backup)
        raise
    os.unlink(backup)


def _write_in_place(fd: int, path: str, expected: bytes, new: bytes, backup: str) -> None:
    if len(new) > len(expected):
        try:
            os.posix_fallocate(fd, 0, len(new))  # the disk space first: a full disk refuses before a byte is written
        except OSError as e:
            if e.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                raise Refused(f"cannot write: {e.strerror or e}; nothing written") from None
    try:
        _pwrite_all(fd, new)
    except OSError as e:
        try:
            _pwrite_all(fd, expected)  # put the old bytes back
        except OSError:
            raise Refused(f"cannot write: {e.strerror or e}; the old content is kept in {backup}") from None
        raise Refused(f"cannot write: {e.strerror or e}; nothing written") from None
    if os.stat(path).st_ino != os.fstat(fd).st_ino:  # an editor renamed its own copy over it meanwhile: theirs stays
        raise Changed("replaced by another program while fix wrote; its version stays (run fix again)")


def _pwrite_all(fd: int, data: bytes) -> None:
    view, pos = memoryview(data), 0
    while pos < len(data):
        pos += os.pwrite(fd, view[pos:], pos)
    os.ftruncate(fd, len(data))
    os.fsync(fd)


def _same(a, b) -> bool:
    return (a.st_ino, a.st_dev, a.st_size, a.st_mtime_ns) == (b.st_ino, b.st_dev, b.st_size, b.st_mtime_ns)


def _replace(path: str, st, expected: bytes, new: bytes) -> None:
    """Without a lease: a temp file with the new bytes, mode and owner, a last check, rename, a check of the old inode."""
    if st.st_nlink > 1:
        raise Refused(f"has {st.st_nlink} hard links, which replacing it would break; nothing written")
    folder = os.path.dirname(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=_TEMP, dir=folder)
    except OSError as e:
        raise Refused(f"cannot write a temp file beside it: {e.strerror or e}; nothing written") from None
    try:
        _fill(fd, tmp, new, st)
        old = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            before = os.fstat(old)
            if not _same(before, st) or _read_all(old) != expected or not _same(os.fstat(old), st):
                raise Changed("changed on disk since it was read; nothing written (run fix again)")
            os.replace(tmp, path)
            _check_old_inode(old, before, path)
        finally:
            os.close(old)
    except OSError as e:
        raise Refused(f"cannot write: {e.strerror or e}; nothing written") from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def _fill(fd: int, tmp: str, new: bytes, st) -> None:
    with os.fdopen(fd, "wb") as f:
        f.write(new)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, st.st_mode & 0o7777)
    if (st.st_uid, st.st_gid) != (os.stat(tmp).st_uid, os.stat(tmp).st_gid):
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except PermissionError:
            raise Refused("owned by another user; replacing it would change its owner; nothing written") from None


def _check_old_inode(fd: int, before, path: str) -> None:
    """A write that reached the old inode between the last check and the rename is saved, never lost."""
    after = os.fstat(fd)
    if _same(after, before):
        return
    fd2, lost = tempfile.mkstemp(prefix=os.path.basename(path) + ".reassign-saved.", dir=os.path.dirname(path))
    with os.fdopen(fd2, "wb") as f:
        f.write(_read_all(fd))
    raise Refused(f"another program wrote to it while fix replaced it; its version is saved as {lost} (merge it by hand)")


# ---------------------------------------------------------------- new files and output files


def create_file(path: str, data: bytes) -> None:
    """``path`` created with ``data`` whole, or not at all; FileExistsError when it exists (never replaced)."""
    fd, tmp = tempfile.mkstemp(prefix=".reassign-new.", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.link(tmp, path)  # link(2) fails with EEXIST: an existing file is never replaced
    finally:
        os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_output(path: str, data: bytes, make_dirs: bool = True) -> None:
    """A report or baseline file: see the module docstring. Raise Refused or OSError."""
    try:
        lst = os.lstat(path)
    except FileNotFoundError:
        lst = None
    if lst is not None and stat.S_ISLNK(lst.st_mode):
        try:
            target = os.stat(path)
        except OSError:
            raise Refused(f"{path} is a symbolic link to a missing file; give the real path") from None
        if stat.S_ISREG(target.st_mode) or stat.S_ISDIR(target.st_mode):
            raise Refused(f"{path} is a symbolic link (to {os.path.realpath(path)}); it is not replaced: give the real path")
        lst = target
    if lst is not None and not stat.S_ISREG(lst.st_mode):
        return _write_through(path, lst, data)
    folder = os.path.dirname(os.path.abspath(path))
    if make_dirs:
        os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".reassign.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, lst.st_mode & 0o7777 if lst is not None else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def atomic_write(path: str, text: str | bytes) -> None:
    """A report file (``report_file``, the shipped contracts' cache): write_output, with Refused as OSError."""
    try:
        write_output(path, text.encode("utf-8") if isinstance(text, str) else text)
    except Refused as e:
        raise OSError(str(e)) from None


def _write_through(path: str, st, data: bytes) -> None:
    """A device, FIFO or socket: opened for writing (a FIFO without a reader is refused), never replaced."""
    if stat.S_ISDIR(st.st_mode):
        raise Refused(f"{path} is a folder")
    if stat.S_ISSOCK(st.st_mode):
        raise Refused(f"{path} is a socket; give a file, a device or a FIFO")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as e:
        if e.errno == errno.ENXIO:
            raise Refused(f"{path} is a FIFO that no program is reading; nothing written") from None
        raise
    try:
        os.set_blocking(fd, True)
        view, pos = memoryview(data), 0
        while pos < len(data):
            pos += os.write(fd, view[pos:])
    finally:
        os.close(fd)
