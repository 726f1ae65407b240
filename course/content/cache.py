"""Rendered content kept on disk by content hash: a restart with unchanged files renders nothing.

Each content file's loaded form (its document, already rendered, and its
problems) is pickled under a key made of the file's bytes, its path and the
root it is read under, and the code that reads it: the Python of
course/content and course/exercises, the versions of the Markdown, Pygments
and validation packages, and Python's own.
Change any of them and the key changes, so an entry is never stale; old
entries are simply not read again (`manage.py clearcache`-style removal is
`rm -r` of the folder). The folder is the site's own (CONTENT_CACHE_DIR,
default .cache/content/ beside the code): only this process writes it, as it
writes its database. A missing, unreadable or corrupt entry is rendered again;
a folder that cannot be written turns the cache off with one warning.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

logger = logging.getLogger(__name__)

_CODE = Path(__file__).resolve().parent.parent  # course/
_CODE_DIRS = ("content", "exercises")
_PACKAGES = ("markdown", "pymdown-extensions", "pygments", "pydantic", "pyyaml", "django")


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of everything besides the file itself that decides what loading a file gives."""
    digest = hashlib.sha256(sys.version.encode())
    for package in _PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=-".encode())
    for folder in _CODE_DIRS:
        for path in sorted((_CODE / folder).rglob("*.py")):
            digest.update(str(path.relative_to(_CODE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=2)
def _seeded(version: str):
    # Hashing the code version into each key is the same work for every file: do it once.
    return hashlib.sha256(version.encode())


class RenderCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.enabled = True
        self.hits = 0
        self.misses = 0

    def key(self, root: Path | str, path: Path | str, data: bytes) -> str:
        # The root and the path exactly as the document will carry them
        # (Problem.path, Source.path): where the file sits below the root
        # decides its kind, and the path is part of what is stored.
        digest = _seeded(code_version()).copy()
        for part in (os.fspath(root), os.fspath(path)):
            digest.update(part.encode("utf-8", "surrogateescape"))
            digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key + ".pickle")  # strings: this runs once a file at every start

    def get(self, key: str):
        if not self.enabled:
            return None
        try:
            with open(self._entry(key), "rb") as file:
                loaded = pickle.loads(file.read())  # a quarter faster than pickle.load(file)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception as exc:  # corrupt or written by other code: render again
            logger.info("content cache entry %s unreadable (%s); rendering the file again", key[:12], exc)
            self.misses += 1
            return None
        self.hits += 1
        return loaded

    def put(self, key: str, loaded, *, pickled: bytes | None = None) -> None:
        """Keep `loaded` under `key`; `pickled` is its pickle when a worker process already made it."""
        if not self.enabled:
            return
        entry = self._entry(key)
        try:
            if pickled is None:
                pickled = pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
            folder = os.path.dirname(entry)
            os.makedirs(folder, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(handle, "wb") as file:
                file.write(pickled)
            os.replace(temporary, entry)  # readers see the whole entry or none
        except Exception as exc:
            self.enabled = False
            logger.warning("content cache turned off: cannot write %s (%s); pages are rendered at every start",
                           self.folder, exc)

