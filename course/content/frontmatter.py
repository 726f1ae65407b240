"""Split a Markdown file into YAML front matter and body, keeping line numbers.

Authors get `path:line` messages, so every key and list item read from the
front matter remembers the line it was written on.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

Path_ = tuple[str | int, ...]


class FrontMatterError(ValueError):
    """The front matter cannot be read; `line` is 1-based within the file."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class FrontMatter:
    data: dict
    lines: dict[Path_, int]
    body: str
    body_line: int  # the file line on which the body starts

    def line_of(self, path: Path_) -> int:
        """The line of `path`, or of its nearest parent that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


def parse_front_matter(text: str) -> FrontMatter:
    """Read `---`-fenced YAML at the top of `text`; raise FrontMatterError."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterError("the file must start with a '---' line opening the front matter", 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            closing = index
            break
    else:
        raise FrontMatterError("the front matter opened on line 1 is never closed with a '---' line", 1)
    yaml_text = "\n".join(lines[1:closing])
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(yaml_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 2) if mark else 1
        problem = exc.problem or exc.context
        if problem and "mapping values are not allowed" in problem:
            problem += " (a value that contains ': ' must be put in quotes)"
        raise FrontMatterError(f"front matter is not valid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"front matter is not valid YAML: {exc}", 1) from None
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        raise FrontMatterError("front matter must be a mapping of keys to values", 2)
    line_map: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), line_map)
    return FrontMatter(
        data=data,
        lines=line_map,
        body="\n".join(lines[closing + 1 :]),
        body_line=closing + 2,
    )


def _walk(node: yaml.Node, path: Path_, out: dict[Path_, int]) -> None:
    # +2: one for 1-based lines, one for the opening '---' line.
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise FrontMatterError(f"key '{key}' appears twice", key_node.start_mark.line + 2)
            seen.add(key)
            out[path + (key,)] = key_node.start_mark.line + 2
            _walk(value_node, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[path + (index,)] = item.start_mark.line + 2
            _walk(item, path + (index,), out)
