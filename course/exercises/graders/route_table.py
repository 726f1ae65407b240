"""`route-table`: one route per line, `METHOD /path  description`.

Blank lines and lines starting with `#` are ignored. The description may
follow the path after spaces, a dash or an em dash. Rules look at path
segments (nouns, plurals, case, parameters) and at whether the method fits
the action the description names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..grading import Grader, NoParams, Outcome, Params, Unreadable, register, rule

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
_LINE = re.compile(r"^(?P<method>[A-Za-z]+)\s+(?P<path>\S+)(?:\s+(?:[—–-]+\s*)?(?P<description>.*))?$")
_PARAM = re.compile(r"^(?:\{(?P<brace>[^{}]*)\}|:(?P<colon>.*)|<(?P<angle>[^<>]*)>)$")
VERBS = {
    "get", "fetch", "retrieve", "read", "list", "show", "find", "search", "create", "add", "make", "new", "insert",
    "post", "update", "edit", "modify", "change", "set", "save", "put", "patch", "delete", "remove", "destroy",
    "erase", "drop", "do", "run", "execute", "process", "submit", "send", "cancel", "approve", "activate",
    "chat", "summarize", "summarise", "embed", "generate", "complete", "translate", "calculate", "compute",
    "validate", "verify", "upload", "download", "login", "logout", "signin", "signup", "register",
}
# Words that are plural already, or names that are rightly singular.
PLURAL_WORDS = {"people", "children", "data", "media", "news", "series", "species", "feedback", "information", "staff"}
ACTIONS = [
    (re.compile(r"\b(delete|deletes|remove|removes|destroy|cancel a|erase)\b", re.I), {"DELETE"}, "deletes"),
    (re.compile(r"\b(replace|replaces|overwrite|overwrites)\b", re.I), {"PUT"}, "replaces"),
    (re.compile(r"\b(update|updates|edit|edits|modify|modifies|change|changes|set|sets|partially)\b", re.I), {"PATCH", "PUT"}, "updates"),
    (re.compile(r"\b(create|creates|add|adds|register|registers|place|places|submit|submits)\b", re.I), {"POST", "PUT"}, "creates"),
    (re.compile(r"\b(list|lists|get|gets|fetch|fetches|read|reads|show|shows|retrieve|retrieves|view|views|search|searches|find|finds)\b", re.I), {"GET", "HEAD"}, "reads"),
]


@dataclass(frozen=True)
class Route:
    line: int
    method: str
    path: str
    description: str

    @property
    def segments(self) -> list[str]:
        return [segment for segment in self.path.split("?", 1)[0].strip("/").split("/") if segment]

    def shape(self) -> tuple[str, str]:
        """Method and path with parameter names erased, to spot duplicates."""
        return self.method, "/" + "/".join("{}" if is_param(s) else s.lower() for s in self.segments)


def is_param(segment: str) -> bool:
    return bool(_PARAM.match(segment))


def param_name(segment: str) -> str:
    match = _PARAM.match(segment)
    return next((group for group in match.groups() if group is not None), "") if match else ""


def parse_routes(snippet: str) -> list[Route]:
    routes = []
    for number, raw in enumerate(snippet.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise Unreadable("Each line needs a method and a path, like 'GET /v1/orders  List orders'", number, 1)
        method, path = match["method"], match["path"]
        if method.upper() not in METHODS:
            raise Unreadable(f"'{method}' is not an HTTP method; use one of {', '.join(sorted(METHODS))}", number, 1)
        if not path.startswith("/"):
            raise Unreadable(f"Paths start with '/'; found '{path}'", number, raw.index(path) + 1)
        routes.append(Route(number, method.upper(), path, (match["description"] or "").strip()))
    if not routes:
        raise Unreadable("Write at least one route, like 'GET /v1/orders  List orders'.")
    return routes


class VersionParams(Params):
    pattern: str = r"^/v[0-9]+(/|$)"
    describe: str = "a version prefix such as /v1"


class DepthParams(Params):
    max: int = 2


class RequiredRoute(Params):
    method: str
    path: str


class RequiredParams(Params):
    routes: list[RequiredRoute]
    because: str = ""


class ExceptParams(Params):
    allow: list[str] = []


MAX_LISTED = 5


def _first_failure(routes, test) -> Outcome | None:
    """Every route the test finds fault with, named at once (the first few in full), at the first one's line."""
    found = [(route, message) for route in routes if (message := test(route))]
    if not found:
        return None
    (route, message), *rest = found
    text = f"{message} (line {route.line})"
    if rest:
        shown = "; ".join(f"{more} (line {other.line})" for other, more in rest[: MAX_LISTED - 1])
        extra = f"; and {len(rest) - (MAX_LISTED - 1)} more" if len(rest) > MAX_LISTED - 1 else ""
        text += f". Also: {shown}{extra}"
    return Outcome(False, text + ".", route.line)


def _missing(routes, wanted) -> list[str]:
    """The required routes (method + path, parameter names ignored) that the table lacks."""
    shapes = {route.shape() for route in routes}
    return [f"{route.method.upper()} {route.path}" for route in wanted
            if Route(0, route.method.upper(), route.path, "").shape() not in shapes]


class Table(list):
    """The parsed routes, and the required routes this exercise's has-routes checks find missing."""

    missing: list[str] = []


@register("route-table")
class RouteTableGrader(Grader):
    language = "text"

    def parse(self, snippet: str) -> Table:
        return Table(parse_routes(snippet))

    def prepare(self, routes: Table, checks) -> None:
        routes.missing = [missing for check in checks if check.rule == "has-routes"
                          for missing in _missing(routes, check.params.routes)]

    def run_rule(self, check, routes: Table) -> Outcome:
        outcome = super().run_rule(check, routes)
        # A design rule that finds nothing wrong in an incomplete table has not
        # seen the routes it would judge: it waits for the required routes.
        if outcome.passed and routes.missing and check.rule != "has-routes":
            return Outcome(False, f"Nothing wrong in the {len(routes)} route(s) there, but {len(routes.missing)} required "
                           "route(s) are missing, so this can pass only once they are in the table.",
                           routes[-1].line if routes else 1, blocked_by="has-routes")
        return outcome

    @rule("nouns-not-verbs", params=ExceptParams)
    def nouns_not_verbs(self, routes: list[Route], p: ExceptParams) -> Outcome:
        """No path segment starts with a verb; the HTTP method is the verb."""
        allowed = {word.lower() for word in p.allow}

        def test(route: Route) -> str | None:
            for segment in route.segments:
                if is_param(segment) or segment.lower() in allowed:
                    continue
                words = re.split(r"[-_]|(?<=[a-z])(?=[A-Z])", segment)
                if words and words[0].lower() in VERBS:
                    return (f"Expected nouns in paths, with the HTTP method as the verb; '{segment}' in "
                            f"{route.method} {route.path} starts with the verb '{words[0].lower()}'")
            return None

        return _first_failure(routes, test) or Outcome(True, "Every path names resources, not actions.")

    @rule("plural-collections", params=ExceptParams)
    def plural_collections(self, routes: list[Route], p: ExceptParams) -> Outcome:
        """Collections (segments before an id, and collection endpoints) are plural nouns."""
        allowed = {word.lower() for word in p.allow}

        def test(route: Route) -> str | None:
            segments = route.segments
            for index, segment in enumerate(segments):
                if is_param(segment) or re.fullmatch(r"v[0-9]+", segment) or segment.lower() in allowed:
                    continue
                if re.split(r"[-_]|(?<=[a-z])(?=[A-Z])", segment)[0].lower() in VERBS:
                    continue  # a verb, which nouns-not-verbs reports; "deletes" would be no better
                followed_by_id = index + 1 < len(segments) and is_param(segments[index + 1])
                last = index == len(segments) - 1
                if (followed_by_id or (last and route.method in ("GET", "POST"))) and not _plural(segment):
                    return (f"Expected a plural collection name in {route.method} {route.path}; "
                            f"'{segment}' looks singular (try '{_pluralise(segment)}')")
            return None

        return _first_failure(routes, test) or Outcome(True, "Collections are named in the plural.")

    @rule("version-prefix", params=VersionParams)
    def version_prefix(self, routes: list[Route], p: VersionParams) -> Outcome:
        """Every path starts with a version prefix (by default /v1, /v2…)."""
        def test(route: Route) -> str | None:
            if not re.search(p.pattern, route.path):
                return f"Expected every path to start with {p.describe}; {route.path} does not"
            return None

        return _first_failure(routes, test) or Outcome(True, "Every path carries the version prefix.")

    @rule("method-fits-action")
    def method_fits_action(self, routes: list[Route], p: NoParams) -> Outcome:
        """The method fits the action the description names (create → POST, delete → DELETE…)."""
        def test(route: Route) -> str | None:
            # The action is the first action word in the description ("Change
            # the quantity (add or remove units)" changes; it does not delete).
            found = [(match.start(), methods, verb) for pattern, methods, verb in ACTIONS
                     if (match := pattern.search(route.description))]
            if not found:
                return None
            _, methods, verb = min(found, key=lambda item: item[0])
            if route.method not in methods:
                want = " or ".join(sorted(methods, key=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"].index))
                return f"'{route.description}' {verb} something, which is {want}; found {route.method}"
            return None

        return _first_failure(routes, test) or Outcome(True, "Each method fits the action its description names.")

    @rule("no-delete-via-post")
    def no_delete_via_post(self, routes: list[Route], p: NoParams) -> Outcome:
        """Nothing is deleted through POST or GET; DELETE does that."""
        def test(route: Route) -> str | None:
            if route.method in ("POST", "GET") and (
                re.search(r"(^|[/_-])(delete|remove|destroy)", route.path, re.I)
                or re.search(r"\b(delete|deletes|remove|removes)\b", route.description, re.I)
            ):
                return f"Expected DELETE on the resource's own URL to remove it; found {route.method} {route.path}"
            return None

        return _first_failure(routes, test) or Outcome(True, "Deletions use DELETE.")

    @rule("kebab-case")
    def kebab_case(self, routes: list[Route], p: NoParams) -> Outcome:
        """Path segments are lower-case kebab-case."""
        def test(route: Route) -> str | None:
            for segment in route.segments:
                if is_param(segment):
                    continue
                if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", segment):
                    fixed = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", segment).replace("_", "-").lower()
                    return f"Expected lower-case kebab-case path segments; '{segment}' should be '{fixed}'"
            return None

        return _first_failure(routes, test) or Outcome(True, "Path segments are lower-case kebab-case.")

    @rule("max-depth", params=DepthParams)
    def max_depth(self, routes: list[Route], p: DepthParams) -> Outcome:
        """No path nests more than `max` resources deep."""
        def test(route: Route) -> str | None:
            collections = [s for s in route.segments if not is_param(s) and not re.fullmatch(r"v[0-9]+", s)]
            if len(collections) > p.max:
                return (f"Expected at most {p.max} levels of nesting; {route.path} nests {len(collections)} "
                        f"({' → '.join(collections)}). Give the deepest resource its own top-level URL")
            return None

        return _first_failure(routes, test) or Outcome(True, f"No path nests more than {p.max} resources deep.")

    @rule("named-params")
    def named_params(self, routes: list[Route], p: NoParams) -> Outcome:
        """Path parameters are named ({orderId}), never wildcards or repeated names."""
        def test(route: Route) -> str | None:
            seen: set[str] = set()
            for segment in route.segments:
                if segment in ("*", "**") or (is_param(segment) and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", param_name(segment))):
                    return f"Expected named path parameters such as {{orderId}}; found '{segment}' in {route.path}"
                if is_param(segment):
                    name = param_name(segment)
                    if name in seen:
                        return f"Expected distinct parameter names in {route.path}; '{name}' is used twice"
                    seen.add(name)
            return None

        return _first_failure(routes, test) or Outcome(True, "Path parameters are named.")

    @rule("no-duplicates")
    def no_duplicates(self, routes: list[Route], p: NoParams) -> Outcome:
        """No method and path pair appears twice (parameter names ignored)."""
        first: dict[tuple[str, str], Route] = {}
        for route in routes:
            shape = route.shape()
            if shape in first:
                return Outcome(False, f"{route.method} {route.path} (line {route.line}) repeats line {first[shape].line}; "
                               "each method and path pair should appear once.", route.line)
            first[shape] = route
        return Outcome(True, "No route appears twice.")

    @rule("has-routes", params=RequiredParams)
    def has_routes(self, routes: list[Route], p: RequiredParams) -> Outcome:
        """The table contains each of the given method + path pairs."""
        missing = _missing(routes, p.routes)
        if missing:
            why = f" ({p.because})" if p.because else ""
            verb = "is" if len(missing) == 1 else "are"
            return Outcome(False, f"Expected {len(p.routes)} required routes{why}; {len(missing)} {verb} missing: "
                           f"{', '.join(missing)}.", routes[-1].line if routes else 1)
        return Outcome(True, f"All {len(p.routes)} required routes are there.")


def _plural(word: str) -> bool:
    lower = word.lower().split("-")[-1]
    return lower in PLURAL_WORDS or (lower.endswith("s") and not lower.endswith("ss")) or lower in ("me",)


def _pluralise(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"
