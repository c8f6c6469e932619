"""The .docx → Markdown conversion itself, run in a child process with hard limits.

``python -m deliberation.exports.docx_convert`` reads a .docx on standard input and writes mammoth's
Markdown (UTF-8) on standard output. It first caps its own CPU time and address space, so a file
built to be slow or huge (a small ZIP that unpacks to tens of megabytes of XML cost mammoth 206 s
and 1.7 GB) ends this process, never the server. Before mammoth sees the package, every member is
copied through a bounded read: the declared sizes and the bytes actually inflated both count against
``MAX_UNPACKED_BYTES`` (a ZIP may lie about its sizes). Images are emptied on the way: a draft has
none (``convert_image`` drops them anyway), and they must not count against the text's room.

Exit codes: 0 converted; 3 not a readable Word package; 4 unpacks past the limit. Killed by a
signal (SIGXCPU, SIGKILL) or ending with a MemoryError means a limit was hit. This module imports
nothing from the site, so the child starts fast.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import zipfile

MAX_UNPACKED_BYTES = 20 * 1024 * 1024
CPU_SECONDS = 20
ADDRESS_SPACE_BYTES = 1024 * 1024 * 1024
EXIT_UNREADABLE, EXIT_TOO_LARGE = 3, 4
NICENESS = 19  # the lowest priority: it runs when the CPU would otherwise idle
_CHUNK = 64 * 1024


class TooLarge(Exception):
    pass


def limit_self(cpu_seconds: int = CPU_SECONDS, address_space: int = ADDRESS_SPACE_BYTES) -> None:
    """Cap this process's CPU time (SIGXCPU, then SIGKILL a second later) and memory, and let every
    other process run first: a conversion may use its seconds, but never at the cost of the pages
    the server is answering meanwhile (on a two-core machine it would take one core of two)."""
    os.nice(NICENESS)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def bounded_copy(data: bytes, limit: int = MAX_UNPACKED_BYTES) -> bytes:
    """The package rewritten with every member read through a counted inflate; TooLarge past ``limit``.

    Raises zipfile.BadZipFile (or ValueError, KeyError) for what is not a usable Word package.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as package, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        members = package.infolist()
        if not any(m.filename == "word/document.xml" for m in members):
            raise zipfile.BadZipFile("no word/document.xml")
        if sum(m.file_size for m in members) > limit:
            raise TooLarge
        total = 0
        for member in members:
            if member.is_dir():
                continue
            if member.filename.startswith("word/media/"):
                copy.writestr(member.filename, b"")
                continue
            parts = []
            with package.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise TooLarge
                    parts.append(chunk)
            copy.writestr(member.filename, b"".join(parts))
    return out.getvalue()


def convert(data: bytes) -> str:
    """mammoth's Markdown of a package already checked by ``bounded_copy``."""
    import mammoth

    return mammoth.convert_to_markdown(io.BytesIO(data), convert_image=lambda image: []).value


def main(argv: list[str]) -> int:
    """``[cpu_seconds, address_space_bytes]`` may be given; the defaults are the limits above."""
    limit_self(*(int(a) for a in argv[:2]))
    data = sys.stdin.buffer.read()
    try:
        package = bounded_copy(data)
    except TooLarge:
        return EXIT_TOO_LARGE
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, KeyError, EOFError, OSError, NotImplementedError):
        return EXIT_UNREADABLE
    try:
        markdown = convert(package)
    except MemoryError:
        raise
    except Exception:  # mammoth raises many kinds of error on a damaged file
        return EXIT_UNREADABLE
    sys.stdout.buffer.write(markdown.encode("utf-8", "replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
