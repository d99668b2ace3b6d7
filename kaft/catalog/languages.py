"""Names for the MARC language codes a Dutch public library meets most (ISO 639-2/B)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LANGUAGE_NAMES = {
    "dut": _("Dutch"),
    "eng": _("English"),
    "ger": _("German"),
    "fre": _("French"),
    "spa": _("Spanish"),
    "ita": _("Italian"),
    "por": _("Portuguese"),
    "fry": _("Frisian"),
    "tur": _("Turkish"),
    "ara": _("Arabic"),
    "pol": _("Polish"),
    "ukr": _("Ukrainian"),
    "rus": _("Russian"),
    "chi": _("Chinese"),
    "per": _("Persian"),
    "som": _("Somali"),
    "tir": _("Tigrinya"),
    "pap": _("Papiamento"),
    "srn": _("Sranan Tongo"),
    "mul": _("Multiple languages"),
}
# MARC uses the bibliographic codes; some sources send the terminology codes.
ALIASES = {"nld": "dut", "deu": "ger", "fra": "fre", "zho": "chi", "fas": "per"}


def language_name(code: str) -> str:
    code = ALIASES.get(code, code)
    return str(LANGUAGE_NAMES.get(code, code.upper()))
