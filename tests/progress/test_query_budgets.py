"""Query budgets (issue 19): a signed-in learner with progress, on warm pages.

Reading pages ≤ 3 queries, an exercise page ≤ 5, the dashboard ≤ 8: each page's
queries do not grow with the learner's history or the size of the course.
"""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

URL = "/exercises/answer-create/"
BUDGETS = [("/", 3), ("/modules/", 3), ("/modules/first-module/", 3), ("/faq/", 3), ("/roadmap/", 3),
           ("/search/?q=status", 3), (URL, 5), (URL + "history/", 5), ("/dashboard/", 8)]


@pytest.fixture
def learner(client, exercise):
    user = get_user_model().objects.create_user("budget", password="a long enough passphrase")
    client.force_login(user)
    for snippet in ("HTTP/1.1 200 OK\n", "not a message", "HTTP/1.1 201 Created\nLocation: /v1/orders/7\n"):
        client.post(URL, {"snippet": snippet})
    client.post("/modules/first-module/read/", {"section": "resources"})
    return client


@pytest.mark.parametrize("path, budget", BUDGETS)
def test_a_warm_page_stays_within_its_query_budget(learner, path, budget, django_assert_max_num_queries):
    assert learner.get(path).status_code == 200  # warm: the course is loaded, the session read once
    with django_assert_max_num_queries(budget):
        response = learner.get(path)
    assert response.status_code == 200


def test_the_budget_holds_with_a_long_history(learner, django_assert_max_num_queries):
    for _ in range(30):
        learner.post(URL, {"snippet": "HTTP/1.1 200 OK\n"})
    for path, budget in BUDGETS:
        with django_assert_max_num_queries(budget):
            assert learner.get(path).status_code == 200, path
