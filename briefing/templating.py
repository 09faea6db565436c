"""Jinja environments for prompts and output templates: sandboxed, StrictUndefined,
user directories first and built-ins second (datasette-style ChoiceLoader)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment

from briefing.errors import TemplateError
from briefing.resources import DataDir, builtin_dir

if TYPE_CHECKING:
    from pathlib import Path


def make_environment(kind: DataDir, override: Path | None = None) -> SandboxedEnvironment:
    loaders: list[FileSystemLoader] = []
    if override is not None:
        if not override.is_dir():
            raise TemplateError(
                f"{override}: not a directory; pass a folder of .j2 files to override the "
                f"built-in {kind}"
            )
        loaders.append(FileSystemLoader(override))
    loaders.append(FileSystemLoader(builtin_dir(kind)))
    return SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2", "html"), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def template_texts(env: SandboxedEnvironment) -> dict[str, str]:
    """The text of every template `env` finds, by name (an override's where it has one)."""
    loader = env.loader
    assert loader is not None  # noqa: S101 - make_environment always sets one
    return {name: loader.get_source(env, name)[0] for name in sorted(env.list_templates())}


def check_templates(env: SandboxedEnvironment, names: tuple[str, ...]) -> None:
    """Load (and so compile) the named templates now, before a run pays for a model call:
    a missing or broken override is an error before any work, not after it."""
    for name in names:
        try:
            env.get_template(name)
        except JinjaTemplateError as err:
            raise _failed(name, err) from err


def render_template(env: SandboxedEnvironment, name: str, **context: Any) -> str:  # noqa: ANN401
    try:
        return env.get_template(name).render(**context)
    except JinjaTemplateError as err:
        raise _failed(name, err) from err


def _failed(name: str, err: JinjaTemplateError) -> TemplateError:
    where = getattr(err, "filename", None) or name
    lineno = getattr(err, "lineno", None)
    at = f"{where}:{lineno}" if lineno else where
    return TemplateError(f"template {at}: {err}; fix the template or drop the override")
