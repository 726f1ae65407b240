"""What a personal access token looks like, and how it is stored."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "aa_pat_"  # recognisable in a leaked file, and by a secret scanner's rules


def token_generate() -> str:
    """A new token: the prefix and 256 random bits."""
    return PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The stored form. 256 random bits need no salt nor stretching: SHA-256 cannot be reversed or guessed."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
