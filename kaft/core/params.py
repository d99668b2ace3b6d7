"""Reading ids, numbers, page numbers, dates and onward addresses from a request: the one way every
door (portal, desk, later the API and SIP2) does it.

Why a module of its own: ``str.isdigit()`` is true for ``'²'``, ``'①'`` and ``'١٢'``; ``int()``
then fails on the first two and reads the third as 12; Django's ``IntegerField`` accepts the
third too. A number past the database's integers overflows SQLite (``OverflowError``) or
PostgreSQL; a page number past the last asks for an ``OFFSET`` no database takes; a date such as
0001-01-01 or 9999-12-31 overflows as soon as a day is added to it. So, here and nowhere else:

- **digits** are the ASCII digits 0-9 and nothing else: no sign, no space, no other script;
- an **id** is such a number from 1 to :data:`MAX_ID` (the largest ``BigAutoField``); anything
  else is no id at all: :func:`id_from` gives None, :func:`id_or_404` answers 404, the form
  field :class:`IdField` refuses it with a message;
- a **number** (days, a year) is such a number between the bounds its use gives (:class:`NumberField`);
- a **page number** is 1 to :data:`MAX_PAGE`; anything else is page 1, and a page past the last
  is the last page (:func:`page_from`, :func:`paginate`, :class:`PageField`);
- a **date** lies between :data:`EARLIEST` and :data:`LATEST` unless its use narrows that
  (the date of birth: :mod:`kaft.members.birth`). :func:`date_from` reads ISO ``yyyy-mm-dd``
  (what ``<input type="date">`` sends); :class:`DateField` is Django's, bounded;
- a **choice** of a model row (a branch, a partner) goes through :class:`ModelChoiceField`,
  which reads the id with the same rule;
- a **text** looked up as it is (a version label, a card number, a barcode) has no NUL
  character, which PostgreSQL refuses in any text, and a sane length (:func:`text_from`);
- an **onward address** (``next``) is a path on this site (:func:`onward`).

A door never calls ``int()`` on what a request carries, nor ``isdigit()``; it calls these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django import forms
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1  # the largest BigAutoField: the same on SQLite and PostgreSQL
MAX_PAGE = 100_000  # far past any list Kaft shows; an OFFSET every database takes
MAX_DIGITS = 19  # len(str(MAX_ID)): longer strings are not read as numbers at all
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
ASCII_DIGITS = frozenset("0123456789")

DateBound = dt.date | Callable[[], dt.date]
Choice = TypeVar("Choice", bound=str)


def ascii_digits(value: str) -> bool:
    """Whether ``value`` is one or more ASCII digits and nothing else (``str.isdigit`` is not)."""
    return bool(value) and set(value) <= ASCII_DIGITS


def ascii_number(value: object) -> int | None:
    """``value`` as a whole number when it is 1 to 19 ASCII digits and nothing else, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str) or not value or len(value) > MAX_DIGITS:
        return None
    if not ascii_digits(value):
        return None
    return int(value)


def id_from(value: object) -> int | None:
    """The id ``value`` names (1 to :data:`MAX_ID`), or None when it names none."""
    number = ascii_number(value)
    if number is None or not 1 <= number <= MAX_ID:
        return None
    return number


def id_or_404(value: object) -> int:
    """The id ``value`` names; 404 when it names none (the same answer as for an unknown id)."""
    number = id_from(value)
    if number is None:
        raise Http404
    return number


def page_from(value: object) -> int:
    """A page number from 1 to :data:`MAX_PAGE` (a larger number of ASCII digits, however long,
    is :data:`MAX_PAGE`: past the last page); anything else (missing, ``'²'``, ``-1``) is 1."""
    if isinstance(value, str) and ascii_digits(value):
        digits = value.lstrip("0")
        if len(digits) > len(str(MAX_PAGE)):  # never int() of a number a page long
            return MAX_PAGE
        value = int(digits or "0")
    number = ascii_number(value)
    if number is None or number < 1:
        return 1
    return min(number, MAX_PAGE)


def last_page(total: int, per_page: int) -> int:
    """The number of the last page of ``total`` items (1 when there are none)."""
    return max(1, -(-total // max(1, per_page)))


def paginate(items: Sequence[Any] | Any, per_page: int, value: object) -> Page[Any]:
    """The page ``value`` asks for; a page past the last is the last page."""
    return Paginator(items, per_page).get_page(page_from(value))


def _bound(bound: DateBound) -> dt.date:
    return bound() if callable(bound) else bound


def date_from(
    value: object, *, earliest: DateBound = EARLIEST, latest: DateBound = LATEST
) -> dt.date | None:
    """An ISO date (``yyyy-mm-dd``) between ``earliest`` and ``latest``, else None."""
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    if not ascii_digits(value[:4] + value[5:7] + value[8:]):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    if not _bound(earliest) <= day <= _bound(latest):
        return None
    return day


def text_from(value: object, *, max_length: int) -> str | None:
    """``value`` stripped, when it is text without NUL of at most ``max_length`` characters;
    else None (nothing can match it)."""
    if not isinstance(value, str) or "\x00" in value:
        return None
    text = value.strip()
    return text if len(text) <= max_length else None


def choice_from(value: object, choices: Sequence[Choice], default: Choice) -> Choice:
    """``value`` when it is one of ``choices`` (a small enum: a tab, a filter), else ``default``."""
    for choice in choices:
        if value == choice:
            return choice
    return default


def onward(request: HttpRequest, value: object, default: str) -> str:
    """``value`` when it is a path on this site (``/...``), else ``default``.

    Only a path: a bare word would be taken for a view name by ``redirect()``, another host or
    scheme would send the visitor away.
    """
    if (
        isinstance(value, str)
        and value.startswith("/")
        and not value.startswith("//")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return default


# --- form fields ---------------------------------------------------------------------------------


class NumberField(forms.IntegerField):
    """A whole number of ASCII digits between ``min_value`` and ``max_value`` (both required)."""

    default_error_messages = {"invalid": _("Enter a whole number, in the digits 0 to 9.")}

    def __init__(self, *, min_value: int, max_value: int, **kwargs: Any) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = ascii_number(value.strip() if isinstance(value, str) else value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdField(NumberField):
    """An id posted by a page (which note, which version): ASCII digits, 1 to :data:`MAX_ID`."""

    default_error_messages = {"invalid": _("This is not something you can choose here.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def run_validators(self, value: Any) -> None:
        # The bounds are part of what an id is: one message, not "at least 1".
        if value is not None and id_from(value) is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class PageField(forms.IntegerField):
    """A page number: anything but 1 to :data:`MAX_PAGE` in ASCII digits is page 1."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> int:
        return page_from(value.strip() if isinstance(value, str) else value)

    def validate(self, value: Any) -> None:
        """Never refused: a wrong page number shows the first page."""

    def run_validators(self, value: Any) -> None:
        """See :meth:`validate`."""


ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """``<input type="date">``: the browser takes its value only as ISO ``yyyy-mm-dd`` and sends
    it back the same way, whatever the page's language (it shows the date in the reader's own
    way). Django's own widget writes the value in the language's first input format
    (``17-05-1984`` in Dutch), which the browser refuses, so the form could not be sent."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateField(forms.DateField):
    """Django's date field, with the date between ``earliest`` and ``latest`` (dates or
    functions that give one, such as today), by default 1900-01-01 to 2100-12-31.

    Its widget is :class:`DateInput`: a form that passes another widget of the date kind gets
    it written as ISO too, so no form can show a date the browser will not send back. ISO is
    read first, then the language's own ways of writing a date (a text field, an old browser).
    """

    widget = DateInput

    default_error_messages = {
        "invalid": _("Enter a real date, such as 2024-03-31."),
        "too_early": _("Enter a date from %(earliest)s on."),
        "too_late": _("Enter a date up to %(latest)s."),
    }

    def __init__(
        self, *, earliest: DateBound = EARLIEST, latest: DateBound = LATEST, **kwargs: Any
    ) -> None:
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)
        if isinstance(self.widget, forms.DateInput):
            self.widget.format = ISO_DATE
            self.widget.input_type = "date"

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str):
            try:
                return dt.datetime.strptime(value.strip(), ISO_DATE).date()
            except ValueError:
                pass  # not ISO: the language's formats below
        return self._to_python_localised(value)

    def _to_python_localised(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except (OverflowError, ValueError):  # a year past 9999 typed into a text field
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def run_validators(self, value: Any) -> None:
        # The use's own rule first (a date of birth says why), then the bounds of any date.
        super().run_validators(value)
        if value in self.empty_values:
            return
        earliest, latest = _bound(self.earliest), _bound(self.latest)
        if value < earliest:
            raise forms.ValidationError(
                self.error_messages["too_early"],
                code="too_early",
                params={"earliest": earliest.isoformat()},
            )
        if value > latest:
            raise forms.ValidationError(
                self.error_messages["too_late"],
                code="too_late",
                params={"latest": latest.isoformat()},
            )


class ModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Django's choice of a model row, with the posted id read by :func:`id_from` (Django's own
    reading takes ``'١٢'`` for 12)."""

    def to_python(self, value: Any) -> Any:
        if (
            value not in self.empty_values
            and self.to_field_name is None
            and not (self.queryset is not None and isinstance(value, self.queryset.model))
            and id_from(value) is None
        ):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)
