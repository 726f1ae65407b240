"""Reads of the API app: the token behind a bearer value, and a learner's tokens for the account page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils import timezone

from .models import AccessToken
from .tokens import PREFIX, token_digest

USE_NOTED_EVERY = timedelta(minutes=1)  # how often a token's "last used" is written (a write per call would cost every call)


_SQL: dict[str, str] = {}  # per database vendor


def _token_sql(connection) -> str:
    if connection.vendor not in _SQL:
        quote, model = connection.ops.quote_name, get_user_model()
        user = model._meta
        column = lambda name: quote(user.get_field(name).column)  # noqa: E731
        _SQL[connection.vendor] = (
            f"SELECT t.id, t.user_id, t.scope, u.{column(model.USERNAME_FIELD)}, "
            f"(t.last_used_at IS NULL OR t.last_used_at < %s) "
            f"FROM {quote(AccessToken._meta.db_table)} t INNER JOIN {quote(user.db_table)} u ON u.{quote(user.pk.column)} = t.user_id "
            f"WHERE t.digest = %s AND t.revoked_at IS NULL AND u.{column('is_active')}")
    return _SQL[connection.vendor]


def token_for_secret(*, secret: str) -> AccessToken | None:
    """The live token whose value is `secret`, with its (active) user; None for anything else (revoked, unknown,
    malformed, an inactive account).

    Called on every request with a token, so it is one plain SQL statement (the ORM spent about 0.5 ms compiling
    the join). The token comes with its id, user and scope, the user with their id and username; any other field
    loads on first use. `token.use_unnoted` says whether its last use is more than USE_NOTED_EVERY ago."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    alias = router.db_for_read(AccessToken)
    connection = connections[alias]
    since = connection.ops.adapt_datetimefield_value(timezone.now() - USE_NOTED_EVERY)
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(connection), [since, token_digest(secret)])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, user_id, scope, username, unnoted = row
    user_model = get_user_model()
    token = AccessToken.from_db(alias, ["id", "user_id", "scope"], [token_id, user_id, scope])
    token.user = user_model.from_db(alias, [user_model._meta.pk.attname, user_model.USERNAME_FIELD, "is_active"],
                                    [user_id, username, True])
    token.use_unnoted = bool(unnoted)
    return token


def tokens_for(*, user) -> list[AccessToken]:
    """Every token `user` made, live ones first."""
    return sorted(AccessToken.objects.filter(user=user), key=lambda token: (token.revoked_at is not None, -token.pk))
