"""The in-memory course: read once in production, re-read per change while authoring."""

import os

from course.content.store import ContentStore, build_course


def touch_later(path, text):
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    # Make sure the stamp differs even on file systems with coarse mtimes.
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_production_store_reads_each_file_once_and_serves_from_memory(content):
    store = ContentStore(content.root, watch=False)
    first = store.course()
    reads = store.reads
    touch_later(content.root / "home.md", "---\ntitle: Changed\ndescription: D\n---\nNew.\n")
    assert store.course() is first
    assert store.reads == reads
    assert first.pages["home"].title == "Home"


def test_watching_store_rereads_only_the_file_that_changed(content):
    store = ContentStore(content.root, watch=True)
    store.course()
    reads = store.reads
    touch_later(content.root / "home.md", "---\ntitle: Changed\ndescription: D\n---\nNew.\n")
    course = store.course()
    assert course.pages["home"].title == "Changed"
    assert store.reads == reads + 1


def test_watching_store_sees_new_and_deleted_files(content):
    store = ContentStore(content.root, watch=True)
    assert len(store.course().faq) == 1
    extra = content.write("faq/02-more.md", "---\nquestion: More?\nmodule: first-module\n---\nYes.\n")
    assert [entry.slug for entry in store.course().faq] == ["first-question", "more"]
    extra.unlink()
    assert [entry.slug for entry in store.course().faq] == ["first-question"]


def test_unchanged_watching_store_returns_the_same_course(content):
    store = ContentStore(content.root, watch=True)
    assert store.course() is store.course()


def test_a_broken_file_is_left_out_and_reported_while_the_rest_still_loads(content):
    content.write("faq/02-broken.md", "---\nquestion: [unclosed\n---\n")
    course = ContentStore(content.root, watch=False).course()
    assert [entry.slug for entry in course.faq] == ["first-question"]
    assert any("faq/02-broken.md" in str(problem.path) for problem in course.problems)


def reported(course):
    return [problem.format(course.root) for problem in course.problems]


def test_an_edit_is_rendered_alone_yet_its_broken_link_is_reported_as_a_fresh_build_reports_it(content):
    store = ContentStore(content.root, watch=True)
    store.course()
    reads = store.reads
    touch_later(content.root / "faq" / "01-first-question.md",
                "---\nquestion: What is first?\nmodule: first-module\nsection: resources\n---\n"
                "Read [more](/modules/first-module/#resource).\n")
    course = store.course()
    assert store.reads == reads + 1
    assert "faq/01-first-question.md:6: link '/modules/first-module/#resource' points to an anchor '#resource' " \
           "that does not exist on /modules/first-module/" in reported(course)
    assert reported(course) == reported(build_course(content.root))


def test_renaming_a_section_reports_the_unchanged_files_that_link_to_it(content, exercise):
    store = ContentStore(content.root, watch=True)
    assert reported(store.course()) == []
    reads = store.reads
    module = content.root / "modules" / "01-first-module.md"
    touch_later(module, module.read_text(encoding="utf-8").replace("{#resources}", "{#nouns}")
                .replace("### Created", "### Made"))
    problems = reported(store.course())
    assert store.reads == reads + 1
    assert any(line.startswith("faq/01-first-question.md:") and "'#resources'" in line for line in problems)
    assert any(line.startswith("exercises/first-module/01-answer-create.md:") and "#created" in line
               for line in problems)
    assert problems == reported(build_course(content.root))


def test_a_watching_store_reports_after_every_edit_what_a_fresh_build_reports(content, exercise):
    store = ContentStore(content.root, watch=True)
    module = content.root / "modules" / "01-first-module.md"
    original = module.read_text(encoding="utf-8")
    edits = [
        (module, original.replace("## Summary", "## Wrap-up")),  # a rule of the module itself
        (module, original.replace("title: First module", "title: First module\naliases: [second-module]")),
        (module, original),
        (content.root / "modules" / "02-second-module.md", None),  # a module goes: links to it break
        (content.root / "modules" / "03-third.md", "---\ntitle: Third\nsummary: S\nstatus: in-preparation\n"
                                                  "aliases: [first-module]\n---\n"),
        (content.root / "roadmap" / "01-basics.md", None),
        (content.root / "exercises" / "first-module" / "01-answer-create.md",
         exercise.read_text(encoding="utf-8").replace("#created", "#status-codes")),
        (content.root / "faq" / "02-second.md", "---\nquestion: Second?\nmodule: first-modul\n---\n"
                                                "[Home](/#nowhere) and [old](/modules/first-module).\n"),
    ]
    assert reported(store.course()) == reported(build_course(content.root))
    for path, text in edits:
        if text is None:
            path.unlink()
        elif path.exists():
            touch_later(path, text)
        else:
            path.write_text(text, encoding="utf-8")
        reads = store.reads
        assert reported(store.course()) == reported(build_course(content.root)), path.name
        assert store.reads <= reads + 1
