"""Compiled templates shared between Environments (events_app/template_cache.py): a second
Environment loads what the first compiled, and an edited template is compiled again."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from events_app.template_cache import MemoryBytecodeCache, shared_bytecode_cache


class CountingCache(MemoryBytecodeCache):
    def __init__(self) -> None:
        super().__init__()
        self.compiled = 0

    def dump_bytecode(self, bucket) -> None:  # type: ignore[no-untyped-def]
        self.compiled += 1  # Jinja2 stores only what it has just compiled
        super().dump_bytecode(bucket)


def environment(folder: Path, cache: MemoryBytecodeCache) -> Environment:
    return Environment(loader=FileSystemLoader(folder), bytecode_cache=cache)


def test_a_second_environment_loads_the_compiled_template(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("Hello {{ name }}")
    cache = CountingCache()
    first = environment(tmp_path, cache).get_template("page.html").render(name="Ada")
    second = environment(tmp_path, cache).get_template("page.html").render(name="Grace")
    assert (first, second) == ("Hello Ada", "Hello Grace")
    assert cache.compiled == 1


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("Hello {{ name }}")
    cache = CountingCache()
    environment(tmp_path, cache).get_template("page.html").render(name="Ada")
    page.write_text("Goodbye {{ name }}")
    assert environment(tmp_path, cache).get_template("page.html").render(name="Ada") == (
        "Goodbye Ada"
    )
    assert cache.compiled == 2


def test_each_kind_of_environment_has_its_own_cache() -> None:
    assert shared_bytecode_cache("pages") is shared_bytecode_cache("pages")
    assert shared_bytecode_cache("pages") is not shared_bytecode_cache("emails")
