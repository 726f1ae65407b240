"""Rendered content kept on disk by content hash: a restart with unchanged files renders nothing.

Each content file's loaded form (its document, already rendered, and its
problems) is pickled under a key made of the file's bytes, its path and the
code that reads it: the Python of course/content and course/exercises, the
versions of the Markdown, Pygments and validation packages, and Python's own.
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


class RenderCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.enabled = True
        self.hits = 0
        self.misses = 0

    def key(self, path: Path, data: bytes) -> str:
        digest = hashlib.sha256(code_version().encode())
        digest.update(str(Path(path).resolve()).encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str):
        if not self.enabled:
            return None
        try:
            with open(self._entry(key), "rb") as file:
                loaded = pickle.load(file)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception as exc:  # corrupt or written by other code: render again
            logger.info("content cache entry %s unreadable (%s); rendering the file again", key[:12], exc)
            self.misses += 1
            return None
        self.hits += 1
        return loaded

    def put(self, key: str, loaded) -> None:
        if not self.enabled:
            return
        entry = self._entry(key)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as file:
                pickle.dump(loaded, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, entry)  # readers see the whole entry or none
        except Exception as exc:
            self.enabled = False
            logger.warning("content cache turned off: cannot write %s (%s); pages are rendered at every start",
                           self.folder, exc)


def load_cached(cache: RenderCache | None, root: Path, path: Path, load):
    """`load(root, path)`, or what it gave last time for these exact bytes."""
    if cache is None:
        return load(root, path)
    try:
        data = path.read_bytes()
    except OSError:
        return load(root, path)  # it says what is wrong with the file
    key = cache.key(path, data)
    loaded = cache.get(key)
    if loaded is None:
        loaded = load(root, path)
        cache.put(key, loaded)
    return loaded
