"""Typed errors. Each carries a message that says what is wrong and how to fix it;
the CLI prints it as one line and picks the exit code from the class."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class BriefingError(Exception):
    """Something the user can fix. `str(err)` is the whole message, fix included."""

    exit_code = 1


class InputError(BriefingError):
    """An input path or file that cannot be used."""


class NoUsableInputError(BriefingError):
    """Every input was skipped: there is nothing to write a brief from."""

    exit_code = 3


class TemplateError(BriefingError):
    """A prompt or output template is missing or fails to render."""


class ResourceError(BriefingError):
    """A file shipped with briefing (templates, prompts, token tables) is missing."""


class ConfigError(BriefingError):
    """A setting, option or environment variable has a value we cannot use."""


class OptionError(ConfigError):
    """A command-line option's value cannot be used: a usage error, as click's own."""

    exit_code = 2


class OverBudgetError(BriefingError):
    """The plan of a run costs more than --max-cost: nothing was sent."""

    exit_code = 2


class VerificationFailedError(BriefingError):
    """Fewer claims are supported than `--fail-under` demands."""

    exit_code = 4


def validation_problems(err: ValidationError, whole: str = "top level") -> list[str]:
    """Each problem pydantic found, as 'field.path: message'; `whole` names the value itself
    when the problem is not in one field (empty: the message alone, when it names its
    fields itself). The LLM engine re-asks with these very lines."""
    problems = []
    for error in err.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or whole
        message = error["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    return problems


def describe_validation_error(err: ValidationError, limit: int = 3) -> str:
    """The first few problems pydantic found, as 'field.path: message; …'."""
    return "; ".join(validation_problems(err)[:limit])


class ModelCallError(BriefingError):
    """A language-model call failed after the SDK's retries."""


class ContextLengthError(ModelCallError):
    """The prompt and the reply do not fit the model's context window."""
