"""Every date field of every form, in the portal and at the desk, shows its value the way
``<input type="date">`` takes it (ISO ``yyyy-mm-dd``) and reads back what the browser sends.

Django's own date widget writes the value in the language's first input format: in Dutch
``17-05-1984``, which a date input does not accept, so the browser refuses to send the form.
The forms are found by importing every module of ``kaft``, so a new form cannot escape.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re

import pytest
from django import forms
from django.utils import translation

import kaft
from kaft.core import params

BIRTHDAY = dt.date(1984, 5, 17)


def _all_forms() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(kaft.__path__, "kaft."):
        if ".tests" in info.name or ".migrations" in info.name:
            continue
        importlib.import_module(info.name)
    found: list[type[forms.BaseForm]] = []
    todo: list[type[forms.BaseForm]] = [forms.Form, forms.ModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("kaft."):
                found.append(sub)
    return found


def _date_fields() -> list[tuple[str, forms.Field]]:
    return [
        (f"{form.__module__}.{form.__name__}.{name}", field)
        for form in _all_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField)
    ]


def test_the_walk_finds_the_date_fields_of_portal_and_desk() -> None:
    names = {name for name, _ in _date_fields()}

    assert "kaft.portal.views.rights.CorrectionForm.date_of_birth" in names
    assert "kaft.desk.forms.IdentityForm.date_of_birth" in names
    assert "kaft.desk.forms_transparency.PartnerForm.agreement_date" in names
    assert len(names) >= 8


# German writes dates first as 17.05.1984: the widget must not follow any language's formats.
@pytest.mark.parametrize("language", ["nl", "en", "de"])
def test_every_date_field_shows_its_value_as_iso_in_a_date_input(language: str) -> None:
    wrong = []
    with translation.override(language):
        for name, field in _date_fields():
            html = field.widget.render("d", BIRTHDAY)
            if 'type="date"' not in html or 'value="1984-05-17"' not in html:
                wrong.append((name, html))

    assert wrong == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_date_field_reads_what_the_date_input_sends(language: str) -> None:
    with translation.override(language):
        read = {name: field.clean("1984-05-17") for name, field in _date_fields()}

    assert set(read.values()) == {BIRTHDAY}


def test_every_date_field_is_the_bounded_one() -> None:
    assert [n for n, f in _date_fields() if not isinstance(f, params.DateField)] == []


def test_a_date_field_given_djangos_own_widget_still_writes_iso() -> None:
    field = params.DateField(widget=forms.DateInput(attrs={"autocomplete": "off"}))

    with translation.override("de"):
        html = field.widget.render("d", BIRTHDAY)

    assert re.search(r'type="date"', html)
    assert 'value="1984-05-17"' in html
    assert 'autocomplete="off"' in html
