"""`manage.py check_content` against deliberately broken content trees."""

import pytest
from django.core.management import CommandError, call_command


def run_check(capsys, root=None) -> tuple[bool, list[str]]:
    args = ["check_content"] + ([f"--root={root}"] if root else [])
    try:
        call_command(*args)
        ok = True
    except CommandError:
        ok = False
    out = capsys.readouterr().out
    return ok, [line for line in out.splitlines() if line.strip()]


def problems_for(lines: list[str], filename: str) -> list[str]:
    return [line for line in lines if filename in line]


def test_check_content_passes_a_valid_tree(content, capsys):
    ok, lines = run_check(capsys)
    assert ok, lines
    assert "content OK: 2 modules, 1 FAQ answers, 1 roadmap stages" in lines[-1]


def test_check_content_reports_unknown_front_matter_key_with_its_line_and_a_suggestion(content, capsys):
    content.write("modules/03-third.md", "---\ntitle: Third\nsummary: S\nstatus: in-preparation\nsumary: typo\n---\n")
    ok, lines = run_check(capsys)
    assert not ok
    assert any(line.endswith("modules/03-third.md:5: unknown front matter key 'sumary'; did you mean 'summary'?") for line in lines), lines


def test_check_content_reports_missing_key_and_wrong_type(content, capsys):
    content.write("faq/02-second.md", "---\nquestion: 42\n---\nAnswer.\n")
    ok, lines = run_check(capsys)
    found = problems_for(lines, "faq/02-second.md")
    assert not ok
    assert any(":2: 'question' must be text, found the number 42" in line for line in found), found
    assert any(":1: missing required key 'module'" in line for line in found), found


def test_check_content_reports_yaml_syntax_error_at_its_line(content, capsys):
    content.write("roadmap/02-broken.md", "---\ntitle: Broken\nduration: [2 weeks\nmodules: []\n---\n")
    ok, lines = run_check(capsys)
    found = problems_for(lines, "roadmap/02-broken.md")
    assert not ok
    assert found and "front matter is not valid YAML" in found[0]
    line_number = int(found[0].split(":")[1])
    assert 3 <= line_number <= 5


def test_check_content_reports_a_link_to_a_missing_page_with_its_line(content, capsys):
    content.module("01-first-module", body="Intro.\n\nSee [gone](/modules/no-such-module/).\n\n!!! mistake\n    x\n\n## Summary\n\nDone.\n")
    ok, lines = run_check(capsys)
    assert not ok
    assert any(
        line.endswith("modules/01-first-module.md:12: link '/modules/no-such-module/' points to a page that does not exist")
        for line in lines
    ), lines


def test_check_content_reports_a_link_to_a_missing_heading_anchor(content, capsys):
    content.write(
        "faq/01-first-question.md",
        "---\nquestion: What?\nmodule: first-module\n---\nRead [this](/modules/first-module/#no-such-heading).\n",
    )
    ok, lines = run_check(capsys)
    assert not ok
    assert any(
        "faq/01-first-question.md:5: link '/modules/first-module/#no-such-heading' points to an anchor "
        "'#no-such-heading' that does not exist on /modules/first-module/" in line
        for line in lines
    ), lines


def test_check_content_accepts_links_to_real_headings_faq_answers_and_stages(content, capsys):
    content.write(
        "faq/02-links.md",
        "---\nquestion: Links?\nmodule: first-module\n---\n"
        "[a](/modules/first-module/#status-codes) [b](/faq/#first-question) [c](/roadmap/#basics) [d](/) [e](https://example.org)\n",
    )
    ok, lines = run_check(capsys)
    assert ok, lines


def test_check_content_reports_a_missing_trailing_slash_with_the_fix(content, capsys):
    content.write("faq/02-slash.md", "---\nquestion: Slash?\nmodule: first-module\n---\n[a](/modules/first-module#resources)\n")
    ok, lines = run_check(capsys)
    assert any("needs a trailing slash: /modules/first-module/#resources" in line for line in lines), lines


def test_check_content_reports_duplicate_slugs(content, capsys):
    content.module("03-first-module", title="Copy")
    ok, lines = run_check(capsys)
    assert not ok
    assert any("duplicate module slug 'first-module'" in line for line in lines), lines


def test_check_content_reports_unknown_code_tab_language(content, capsys):
    body = '=== "Rust"\n\n    ```rust\n    fn main() {}\n    ```\n\n!!! mistake\n    x\n\n## Summary\n\nDone.\n'
    content.module("01-first-module", body=body)
    ok, lines = run_check(capsys)
    assert not ok
    assert any("unknown code-tab language 'Rust'" in line for line in lines), lines


def test_check_content_reports_references_to_unknown_modules_with_a_suggestion(content, capsys):
    content.write("faq/02-ref.md", "---\nquestion: Ref?\nmodule: first-modul\n---\nA.\n")
    ok, lines = run_check(capsys)
    assert any("faq/02-ref.md:3: FAQ answer points to unknown module 'first-modul'; did you mean 'first-module'?" in line
               for line in lines), lines


def test_check_content_reports_a_faq_section_that_is_not_a_heading(content, capsys):
    content.write("faq/02-sec.md", "---\nquestion: Sec?\nmodule: first-module\nsection: nowhere\n---\nA.\n")
    ok, lines = run_check(capsys)
    assert any("module 'first-module' has no section with the anchor '#nowhere'" in line for line in lines), lines


def test_check_content_requires_summary_and_mistake_callout_in_published_modules(content, capsys):
    content.module("01-first-module", body="Just an intro.\n\n## Body\n\nText.\n")
    ok, lines = run_check(capsys)
    found = problems_for(lines, "01-first-module.md")
    assert any("needs a '## Summary' section" in line for line in found), found
    assert any("needs at least one '!!! mistake' callout" in line for line in found), found


def test_check_content_reports_a_misnamed_file_and_a_file_outside_the_layout(content, capsys):
    content.write("modules/Third Module.md", "---\ntitle: T\nsummary: S\n---\n")
    content.write("extras/notes.md", "notes")
    ok, lines = run_check(capsys)
    assert any("name the file NN-slug.md (for example 03-third-module.md)" in line for line in lines), lines
    assert any("extras/notes.md:1: this file is not part of the content layout" in line for line in lines), lines


def test_check_content_reports_alias_that_collides_with_a_slug(content, capsys):
    content.module("02-second-module", title="Second", status="in-preparation", body="", extra="aliases: [first-module]\n")
    ok, lines = run_check(capsys)
    assert any("alias 'first-module' is the slug of an existing module" in line for line in lines), lines


def test_check_content_reports_missing_front_matter_and_non_utf8(content, capsys):
    content.write("faq/02-bare.md", "No front matter here.\n")
    (content.root / "faq" / "03-latin.md").write_bytes(b"---\nquestion: caf\xe9\n---\n")
    ok, lines = run_check(capsys)
    assert any("faq/02-bare.md:1: the file must start with a '---' line" in line for line in lines), lines
    assert any("faq/03-latin.md:1: the file is not valid UTF-8" in line for line in lines), lines


def test_check_content_reports_a_missing_required_page(content, capsys):
    (content.root / "roadmap.md").unlink()
    ok, lines = run_check(capsys)
    assert any("roadmap.md is missing or unreadable" in line for line in lines), lines


def test_check_content_accepts_an_explicit_root(content, capsys, tmp_path):
    ok, lines = run_check(capsys, root=tmp_path / "nowhere")
    assert not ok
    assert any("content folder does not exist" in line for line in lines)


def test_authors_can_run_check_content_without_any_environment(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run([sys.executable, "manage.py", "check_content"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "content OK" in result.stdout
