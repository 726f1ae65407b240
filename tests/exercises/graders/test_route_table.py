"""route-table grader."""

import pytest

ALL_RULES = [{"id": rule, "rule": rule} for rule in (
    "nouns-not-verbs", "plural-collections", "version-prefix", "method-fits-action", "no-delete-via-post",
    "kebab-case", "named-params", "no-duplicates")] + [{"id": "max-depth", "rule": "max-depth", "max": 2}]

GOOD = """
# Orders and their items
GET    /v1/orders                          List orders
POST   /v1/orders                          — Create an order
GET    /v1/orders/{orderId}                - Fetch one order
PATCH  /v1/orders/{orderId}                Update an order's address
DELETE /v1/orders/{orderId}                Cancel (delete) an order
GET    /v1/orders/{orderId}/line-items     List the items of an order
POST   /v1/orders/{orderId}/line-items     Add an item
"""


def test_a_good_route_table_passes_every_rule(grade):
    result = grade("route-table", GOOD, *ALL_RULES)
    assert result.passed, [c.message for c in result.checks if not c.passed]


@pytest.mark.parametrize("line, rule, fragment", [
    ("POST /v1/createOrder  Create an order", "nouns-not-verbs", "starts with the verb 'create'"),
    ("GET /v1/order/{orderId}  Fetch an order", "plural-collections", "'order' looks singular (try 'orders')"),
    ("GET /orders  List orders", "version-prefix", "/orders does not"),
    ("GET /v1/orders/{orderId}  Delete an order", "method-fits-action", "which is DELETE; found GET"),
    ("POST /v1/orders/{orderId}/remove  Remove an order", "no-delete-via-post", "Expected DELETE"),
    ("GET /v1/lineItems  List line items", "kebab-case", "'lineItems' should be 'line-items'"),
    ("GET /v1/users/{userId}/orders/{orderId}/items/{itemId}/notes  List notes", "max-depth", "nests 4"),
    ("GET /v1/orders/{}  Fetch", "named-params", "named path parameters"),
])
def test_each_rule_catches_its_mistake_with_the_line(grade, line, rule, fragment):
    snippet = "GET /v1/orders  List orders\n" + line + "\n"
    entry = next(e for e in ALL_RULES if e["id"] == rule)
    result = grade("route-table", snippet, entry)
    check = result.result_for(rule)
    assert not check.passed
    assert fragment in check.message, check.message
    assert check.line == 2 and "(line 2)" in check.message


def test_duplicates_ignore_parameter_names(grade):
    result = grade("route-table", "GET /v1/orders/{id}\nGET /v1/orders/{orderId}\n", {"id": "dup", "rule": "no-duplicates"})
    assert "repeats line 1" in result.result_for("dup").message


def test_required_routes_are_found_whatever_the_parameter_is_called(grade):
    rule = {"id": "has", "rule": "has-routes", "routes": [{"method": "POST", "path": "/v1/orders"},
                                                          {"method": "get", "path": "/v1/orders/{id}"}]}
    assert grade("route-table", GOOD, rule).passed
    result = grade("route-table", "POST /v1/orders\n", rule)
    assert result.result_for("has").message == "Expected 2 required routes; 1 is missing: GET /v1/orders/{id}."


def test_every_missing_route_is_named_at_once(grade):
    wanted = [{"method": "GET", "path": f"/v1/r{i}"} for i in range(7)]
    message = grade("route-table", "GET /v1/r3\n", {"id": "has", "rule": "has-routes", "routes": wanted}).result_for("has").message
    assert "6 are missing: GET /v1/r0, GET /v1/r1, GET /v1/r2, GET /v1/r4, GET /v1/r5, GET /v1/r6." in message


def test_every_offending_route_is_named_with_its_line(grade):
    table = "GET /v1/getOrders\nPOST /v1/orders\nPOST /v1/createInvoice\nGET /v1/fetchItems\n"
    check = grade("route-table", table, {"id": "nouns", "rule": "nouns-not-verbs"}).result_for("nouns")
    assert check.line == 1 and "'getOrders'" in check.message and "(line 3)" in check.message and "(line 4)" in check.message


def test_design_checks_do_not_pass_on_a_table_missing_required_routes(grade):
    required = {"id": "has", "rule": "has-routes", "routes": [{"method": "GET", "path": "/v1/orders"},
                                                              {"method": "POST", "path": "/v1/orders"}]}
    result = grade("route-table", "GET /v1/orders  List orders\n", required, {"id": "nouns", "rule": "nouns-not-verbs"},
                   {"id": "version", "rule": "version-prefix"})
    assert result.score == 0.0
    for check_id in ("nouns", "version"):
        check = result.result_for(check_id)
        assert check.not_checked_because == "has" and "1 required route(s) are missing" in check.message
    # A real defect in the routes there is still reported as such.
    result = grade("route-table", "GET /orders  List orders\n", required, {"id": "version", "rule": "version-prefix"})
    assert not result.result_for("version").not_checked_because and "/orders does not" in result.result_for("version").message


@pytest.mark.parametrize("snippet, fragment, line", [
    ("FETCH /v1/orders", "not an HTTP method", 1),
    ("GET v1/orders", "start with '/'", 1),
    ("\n# only a comment\n", "at least one route", None),
    ("GET\n", "method and a path", 1),
])
def test_unreadable_tables_are_errors_with_lines(grade, snippet, fragment, line):
    result = grade("route-table", snippet, ALL_RULES[0])
    assert result.status == "error" and fragment in result.error.message and result.error.line == line


def test_the_first_action_word_decides_the_method(grade):
    rule = {"id": "fits", "rule": "method-fits-action"}
    assert grade("route-table", "PATCH /v1/orders/{orderId}/items/{itemId}  Change the quantity (add or remove units)\n", rule).passed
    assert grade("route-table", "PATCH /v1/orders/{orderId}/items/{itemId}  Set a new quantity\n", rule).passed
    assert not grade("route-table", "POST /v1/orders/{orderId}  Remove the order (and add a note)\n", rule).passed


def test_a_verb_segment_is_reported_once_by_nouns_not_twice(grade):
    snippet = "GET /v1/conversations/{conversationId}/delete  Delete it\n"
    assert grade("route-table", snippet, {"id": "p", "rule": "plural-collections"}).passed
    assert not grade("route-table", snippet, {"id": "n", "rule": "nouns-not-verbs"}).passed
