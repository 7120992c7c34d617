"""The problems of a form that came back, in the order of its fields, for the error summary
at the top of the page (templates/_error_summary.html).

Views hand templates their errors as a mapping from field name to a code (or to a Problem
with a code). Only the template knows its controls, so it names them: the summary links each
problem to its control (`#reg-email`), in the order the form shows them, which is the order
a reader meets them when they follow the links, and opens each with the field's label, since
a message such as "This field is required." says nothing on its own in a list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple


class FormProblem(NamedTuple):
    id: str  # the control's id, the summary's link target
    error: Any  # what the view gave: a code, or a Problem with a code and its parameters
    label: str  # the field's label, or "" when the message names the field itself


def form_problems(
    errors: Mapping[str, Any] | None, fields: Mapping[str, str | tuple[str, str]]
) -> list[FormProblem]:
    """A FormProblem for every field of `fields` that has an error, in the order of `fields`
    (field name -> control id, or (control id, label)); fields without an error are left
    out, and so are errors of fields the page does not list."""
    if not errors:
        return []
    problems = []
    for name, control in fields.items():
        if errors.get(name):
            id_, label = (control, "") if isinstance(control, str) else control
            problems.append(FormProblem(id_, errors[name], label))
    return problems


# What the browser checks before sending (`pattern` on type="email" fields): an address with
# a dot in its domain, which the server demands too (email-validator refuses "name@localhost").
# Written for the `v` flag browsers compile patterns with: nothing in the classes needs escaping.
EMAIL_PATTERN = r"[^@\s]+@[^@\s]+\.[^@\s]+"
