"""The competency framework: which file is in force, loading it, and caching it. No store.

The default is ``data/framework.toml``; an organization points teamlens at its own with
``framework_path`` in its settings or ``$TEAMLENS_FRAMEWORK``.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path

from framework.model import Framework, FrameworkError
from framework.parse import parse_framework
from settings import settings

# teamlens's own folder: a relative default is found here wherever the app is started.
_HERE = Path(__file__).resolve().parents[1]


def framework_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The framework file to use: the argument, ``$TEAMLENS_FRAMEWORK``, else settings.

    A relative default is looked up from the working directory, then from teamlens's own
    folder (so the bundled default works wherever the app is started).
    """
    if path:
        return Path(path)
    env = os.environ.get("TEAMLENS_FRAMEWORK")
    if env:
        return Path(env)
    configured = Path(settings().framework_path)
    if configured.is_absolute() or configured.exists():
        return configured
    return _HERE / configured


def load_framework(path: str | os.PathLike[str] | None = None) -> Framework:
    """Load and validate a framework file (see :func:`framework_path` for which one).

    Raises:
        FrameworkError: the file is missing, a directory, binary or not UTF-8, is not TOML,
            or a field is unusable.
    """
    file = framework_path(path)
    if file.is_dir():
        raise FrameworkError(str(file), [("file", "is a directory, not a TOML file")])
    if not file.is_file():
        raise FrameworkError(str(file), [("file", "does not exist")])
    try:
        with file.open("rb") as handle:
            raw = tomllib.load(handle)
    except UnicodeDecodeError as exc:
        # tomllib decodes the whole file first: a binary file or another encoding
        reason = f"not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})"
        raise FrameworkError(str(file), [("file", f"{reason}; a framework file is TOML")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(str(file), [("file", f"not valid TOML ({exc})")]) from None
    except OSError as exc:
        raise FrameworkError(str(file), [("file", f"cannot be read ({exc.strerror})")]) from None
    return parse_framework(raw, str(file))


@cache
def _cached(path: str, mtime_ns: int) -> Framework:
    return load_framework(path)


def framework(path: str | os.PathLike[str] | None = None) -> Framework:
    """The framework in force, cached until its file changes."""
    file = framework_path(path)
    try:
        mtime = file.stat().st_mtime_ns
    except OSError:
        return load_framework(file)
    return _cached(str(file), mtime)
