"""Screenshots of every page type, wide and narrow, light and dark: the whole site in a minute.

    .venv/bin/python bench/screenshots.py [--out bench/results/screenshots] [--quick]

Starts the site on a free port with a throwaway SQLite database and the real course, signs a learner up
through the form and has it fail and pass an exercise (so the dashboard, history and feedback have
something to show), then writes one PNG per page type, width (1280 and 390 px) and theme (light and dark)
into the folder, full page. `--quick` takes the 1280 px light and 390 px dark pairs only; `--top` the first screen of each page.
The folder is git-ignored (bench/results/); nothing is committed.
Needs Debian's Chromium (apt-get install chromium), as the browser tests do.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ANONYMOUS = [
    ("home", "/"),
    ("modules", "/modules/"),
    ("module", "/modules/api-fundamentals/"),
    ("faq", "/faq/"),
    ("roadmap", "/roadmap/"),
    ("search", "/search/?q=idempotency"),
    ("exercise-http", "/exercises/created-response/"),
    ("exercise-python", "/exercises/idempotency-key-handler/"),
    ("exercise-scenario", "/exercises/create-then-read-scenario/"),
    ("login", "/accounts/login/"),
    ("signup", "/accounts/signup/"),
    ("not-found", "/modules/no-such-module/"),
]
SIGNED_IN = [
    ("dashboard", "/dashboard/"),
    ("exercise-passed", "/exercises/created-response/"),
    ("history", "/exercises/created-response/history/"),
    ("module-signed-in", "/modules/api-fundamentals/"),
    ("roadmap-signed-in", "/roadmap/"),
]
PASSING = ('HTTP/1.1 201 Created\nLocation: /v1/orders/ord_123\nContent-Type: application/json\n\n'
           '{"id": "ord_123", "status": "pending", "items": 2}\n')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings.test", "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}"}
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen([python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=(workdir / "server.log").open("w"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            return server, url
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"the server stopped: see {workdir / 'server.log'}")
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer /health within 60 s")


def shoot(context, url: str, pages: list[tuple[str, str]], out: Path, suffix: str, full_page: bool) -> int:
    page = context.new_page()
    count = 0
    for name, path in pages:
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out / f"{name}-{suffix}.png"), full_page=full_page)
        count += 1
    page.close()
    return count


def sign_up_and_practise(context, url: str) -> None:
    page = context.new_page()
    page.goto(url + "/accounts/signup/")
    page.fill("#id_username", "screenshots")
    page.fill("#id_password1", "a long screenshot passphrase 42")
    page.fill("#id_password2", "a long screenshot passphrase 42")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state("networkidle")
    for answer in ("HTTP/1.1 200 OK\n", "HTTP/1.1 201 Created\n", PASSING):
        page.goto(url + "/exercises/created-response/")
        page.locator("#snippet").fill(answer)
        page.get_by_role("button", name="Check my answer").click()
        page.wait_for_load_state("networkidle")
    page.goto(url + "/modules/api-fundamentals/")
    page.locator(".toc__mark").first.click()
    page.wait_for_load_state("networkidle")
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "screenshots")
    parser.add_argument("--quick", action="store_true", help="1280 px light and 390 px dark only")
    parser.add_argument("--top", action="store_true", help="the first screen of each page, not the full page")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    combos = [(1280, "light"), (390, "dark")] if args.quick else [(w, t) for w in (1280, 390) for t in ("light", "dark")]
    workdir = Path(tempfile.mkdtemp(prefix="screenshots-"))
    server, url = start_server(workdir)
    started = time.monotonic()
    count = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            learner = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
            sign_up_and_practise(learner, url)
            state = learner.storage_state()
            learner.close()
            for width, theme in combos:
                suffix = f"{width}-{theme}"
                viewport = {"width": width, "height": 844 if width < 600 else 900}
                anonymous = browser.new_context(viewport=viewport, color_scheme=theme)
                count += shoot(anonymous, url, ANONYMOUS, args.out, suffix, not args.top)
                anonymous.close()
                signed_in = browser.new_context(viewport=viewport, color_scheme=theme, storage_state=state)
                count += shoot(signed_in, url, SIGNED_IN, args.out, suffix, not args.top)
                signed_in.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{count} screenshots in {args.out} ({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
