"""Markdown rendering: code tabs, headings, callouts, highlighting."""

import re

from course.content.rendering import render, render_inline

TABS = '''
=== "TypeScript"

    ```ts
    const a = 1;
    ```

=== "Python"

    ```python
    a = 1
    ```

=== "PHP"

    ```php
    $a = 1;
    ```
'''


def test_code_tabs_follow_the_wai_aria_tabs_pattern():
    html = render(TABS).for_language("typescript")
    assert 'role="tablist"' in html
    tabs = re.findall(r'<button [^>]*role="tab"[^>]*>', html)
    assert len(tabs) == 3
    first = tabs[0]
    assert 'aria-selected="true"' in first and 'tabindex="0"' in first
    assert 'aria-controls="tabs-1-typescript-panel"' in first
    assert all('aria-selected="false"' in tab and 'tabindex="-1"' in tab for tab in tabs[1:])
    panels = re.findall(r'<div [^>]*role="tabpanel"[^>]*>', html)
    assert len(panels) == 3
    assert "hidden" not in panels[0] and all("hidden" in panel for panel in panels[1:])
    assert 'aria-labelledby="tabs-1-python"' in panels[1]


def test_the_chosen_language_is_selected_server_side():
    html = render(TABS).for_language("php")
    selected = re.findall(r'<button [^>]*aria-selected="true"[^>]*>(\w+)</button>', html)
    assert selected == ["PHP"]
    panels = re.findall(r'<div [^>]*role="tabpanel"[^>]*>', html)
    visible = [re.search(r'data-lang="(\w+)"', panel)[1] for panel in panels if " hidden" not in panel]
    assert visible == ["php"]


def test_a_group_without_the_chosen_language_shows_its_first_tab():
    html = render(TABS).for_language("csharp")
    assert re.findall(r'aria-selected="true"[^>]*>(\w+)<', html) == ["TypeScript"]


def test_each_tab_is_a_submit_button_of_the_language_form_for_readers_without_javascript():
    html = render(TABS).for_language(None)
    button = re.search(r'<button [^>]*data-lang="python"[^>]*>', html)[0]
    assert 'type="submit"' in button and 'form="code-lang-form"' in button
    assert 'name="language"' in button and 'value="python"' in button
    assert 'formaction="/preferences/code-language/?at=tabs-1"' in button


def test_ids_are_prefixed_so_several_bodies_can_share_a_page():
    html = render(TABS, prefix="faq-x-").for_language(None)
    assert 'id="faq-x-tabs-1"' in html and 'id="faq-x-tabs-1-php-panel"' in html


def test_code_is_highlighted_with_css_classes_and_reachable_by_keyboard():
    html = render("```python\nimport os\n```\n").html
    assert '<div class="highlight" data-lang="Python"><pre tabindex="0">' in html  # its language shown as a label
    assert '<span class="kn">import</span>' in html
    assert 'data-lang="C#"' in render("```csharp\nvar x = 1;\n```\n").html
    assert 'data-lang="SQL"' in render("```sql\nSELECT 1;\n```\n").html


def test_php_samples_without_an_opening_tag_are_still_highlighted():
    html = render("```php\n$order = Order::find($id);\n```\n").html
    assert '<span class="nv">$order</span>' in html


def test_headings_get_anchors_permalinks_and_a_table_of_contents():
    rendered = render("## First part\n\n### Detail {#pinned}\n\n## Second part\n")
    assert [(h.title, h.id) for h in rendered.toc] == [("First part", "first-part"), ("Second part", "second-part")]
    assert [(h.title, h.id) for h in rendered.toc[0].children] == [("Detail", "pinned")]
    assert 'aria-label="Link to the section “First part”"' in rendered.html
    assert {"first-part", "pinned", "second-part"} <= rendered.ids


def test_callouts_render_with_their_kind():
    html = render('!!! mistake "Verbs in URLs"\n    Use nouns.\n\n!!! tip\n    Version it.\n').html
    assert '<div class="admonition mistake">' in html and "Verbs in URLs" in html
    assert '<div class="admonition tip">' in html


def test_links_and_reading_time_are_recorded():
    rendered = render("[a](/faq/#x) and [b](https://example.org)\n\n" + "word " * 700)
    assert rendered.links == ("/faq/#x", "https://example.org")
    assert rendered.reading_minutes == 4  # 704 words at 220 a minute


def test_a_level_one_heading_in_a_body_is_a_problem():
    assert any("use '##' and '###' headings" in problem for problem in render("# Title\n").problems)


def test_inline_rendering_keeps_code_and_drops_the_paragraph():
    assert render_inline("Return `201 Created`") == "Return <code>201 Created</code>"
