"""Why the catalogue refused something or could not read a record: one code, one message."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class CatalogErrorCode(ErrorCode):
    # Whole files.
    FILE_UNREADABLE = "file_unreadable"
    NOT_MARC = "not_marc"
    XML_MALFORMED = "xml_malformed"
    NO_BRANCH_FOR_ITEMS = "no_branch_for_items"
    RECORD_NOT_FOUND = "record_not_found"
    # Single records in a file.
    RECORD_LENGTH_INVALID = "record_length_invalid"
    RECORD_TRUNCATED = "record_truncated"
    END_OF_RECORD_MISSING = "end_of_record_missing"
    BASE_ADDRESS_INVALID = "base_address_invalid"
    BASE_ADDRESS_MISSING = "base_address_missing"
    DIRECTORY_INVALID = "directory_invalid"
    NO_FIELDS = "no_fields"
    RECORD_UNREADABLE = "record_unreadable"
    NO_TITLE = "no_title"
    BARCODE_TAKEN = "barcode_taken"
    BARCODE_INVALID = "barcode_invalid"
    BARCODE_MALFORMED = "barcode_malformed"
    NOT_SAVED = "not_saved"
    AUTHORITY_RECORD = "authority_record"
    NOT_A_TITLE_RECORD = "not_a_title_record"
    UNIMARC_RECORD = "unimarc_record"
    HOLDINGS_WITHOUT_LINK = "holdings_without_link"
    HOLDINGS_TITLE_NOT_FOUND = "holdings_title_not_found"
    # Warnings: the record is imported, one copy is not (or the record was repaired).
    HOLDING_UNKNOWN_LOCATION = "holding_unknown_location"
    HOLDING_NO_LOCATION = "holding_no_location"
    RECOVERED_DIRECTORY = "recovered_directory"
    RECOVERED_END_OF_RECORD = "recovered_end_of_record"
    RECOVERED_OVERSIZE = "recovered_oversize"
    RECOVERED_LATIN1 = "recovered_latin1"
    RECOVERED_MARC8 = "recovered_marc8"
    # The branch map file (--branch-map): refused before anything is read.
    BRANCH_MAP_UNREADABLE = "branch_map_unreadable"
    BRANCH_MAP_LINE_INVALID = "branch_map_line_invalid"
    BRANCH_MAP_UNKNOWN_ISIL = "branch_map_unknown_isil"
    BRANCH_MAP_CODE_TWICE = "branch_map_code_twice"
    # A copy's care (kaft/catalog/lifecycle.py) and its details.
    ITEM_UNKNOWN = "item_unknown"
    ITEM_BARCODE_IN_USE = "item_barcode_in_use"
    ITEM_ON_LOAN = "item_on_loan"
    ITEM_IN_CIRCULATION = "item_in_circulation"
    ITEM_CHANGE_NOT_ALLOWED = "item_change_not_allowed"
    REASON_REQUIRED = "reason_required"
    PRICE_INVALID = "price_invalid"
    STOCKTAKE_RANGE_INVALID = "stocktake_range_invalid"
    STOCKTAKE_CLOSED = "stocktake_closed"
    STOCKTAKE_NOT_EXPECTED = "stocktake_not_expected"
    # Describing titles at the desk (kaft/catalog/services/records.py), merging and deleting.
    ISBN_INVALID = "isbn_invalid"
    ISBN_TAKEN = "isbn_taken"
    CONTROL_NUMBER_TAKEN = "control_number_taken"
    YEAR_INVALID = "year_invalid"
    LANGUAGE_INVALID = "language_invalid"
    MARC_LINE_INVALID = "marc_line_invalid"
    MARC_FIELD_REPEATED = "marc_field_repeated"
    MARC_TOO_LONG = "marc_too_long"
    MERGE_SAME_RECORD = "merge_same_record"
    RECORD_HAS_COPIES = "record_has_copies"
    RECORD_HAS_HOLDS = "record_has_holds"
    RECORD_HAS_LOANS = "record_has_loans"
    RECORD_CHANGED = "record_changed"
    # Copy cataloguing over SRU (kaft/catalog/sru.py, kaft/catalog/services/copy_cataloguing.py).
    SRU_NOT_CONFIGURED = "sru_not_configured"
    SRU_UNREACHABLE = "sru_unreachable"
    SRU_MALFORMED = "sru_malformed"
    SRU_DIAGNOSTIC = "sru_diagnostic"
    SRU_HIT_GONE = "sru_hit_gone"
    SRU_RECORD_EXISTS = "sru_record_exists"
    # The library's settings.
    BRANCH_NEVER_OPEN = "branch_never_open"
    CLOSED_DAY_IN_PAST = "closed_day_in_past"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.FILE_UNREADABLE: _("The file could not be read: %(detail)s"),
            cls.NOT_MARC: _("The file is neither MARC21 (ISO 2709) nor MARCXML."),
            cls.XML_MALFORMED: _(
                "The XML is not well-formed (%(detail)s); nothing from this file was imported."
            ),
            cls.NO_BRANCH_FOR_ITEMS: _("Creating items needs a branch."),
            cls.RECORD_NOT_FOUND: _("This title is not in the catalogue."),
            cls.RECORD_LENGTH_INVALID: _("The record length in the leader is not a number."),
            cls.RECORD_TRUNCATED: _("The record is shorter than its leader says."),
            cls.END_OF_RECORD_MISSING: _("The record does not end with a record terminator."),
            cls.BASE_ADDRESS_INVALID: _("The base address of the data in the leader is invalid."),
            cls.BASE_ADDRESS_MISSING: _("The base address of the data could not be found."),
            cls.DIRECTORY_INVALID: _("The record directory is invalid."),
            cls.NO_FIELDS: _("The record has no fields."),
            cls.RECORD_UNREADABLE: _("The record could not be read: %(detail)s"),
            cls.NO_TITLE: _("The record has no title (245 $a)."),
            cls.BARCODE_TAKEN: _("Barcode %(barcode)s already belongs to another title."),
            cls.BARCODE_INVALID: _(
                "Barcode %(barcode)s is not valid: a barcode has 1 to 32 characters, only "
                "letters (A–Z), digits and hyphens."
            ),
            cls.BARCODE_MALFORMED: _(
                "This is not a valid barcode: a barcode has 1 to 32 characters, only letters "
                "(A–Z), digits and hyphens."
            ),
            cls.NOT_SAVED: _("The record could not be saved: %(detail)s"),
            cls.AUTHORITY_RECORD: _("This is an authority record, not a title; skipped."),
            cls.NOT_A_TITLE_RECORD: _(
                "This is a classification or community information record, not a title; skipped."
            ),
            cls.UNIMARC_RECORD: _(
                "This is a UNIMARC record (title in field 200); Kaft imports MARC21 only."
            ),
            cls.HOLDINGS_WITHOUT_LINK: _(
                "This holdings record has no field 004, so its title is unknown."
            ),
            cls.HOLDINGS_TITLE_NOT_FOUND: _(
                "This holdings record belongs to title %(title)s (004), which is neither in the "
                "files nor in the catalogue."
            ),
            cls.HOLDING_UNKNOWN_LOCATION: _(
                "No copy made: field %(tag)s names location “%(location)s”, which is not a "
                "branch of this library (add it to the branch map if it is)."
            ),
            cls.HOLDING_NO_LOCATION: _(
                "No copy made: field %(tag)s names no location and no default branch "
                "(--branch) was given."
            ),
            cls.RECOVERED_DIRECTORY: _(
                "The leader or directory of the record was damaged; the record was read from "
                "its field terminators. Check it."
            ),
            cls.RECOVERED_END_OF_RECORD: _(
                "The record length or record terminator was wrong; the record was read up to "
                "the next record. Check it."
            ),
            cls.RECOVERED_OVERSIZE: _(
                "The record is longer than a MARC record may be (99,999 bytes); it was read up "
                "to its record terminator, and its MARC is not kept. Check it."
            ),
            cls.RECOVERED_LATIN1: _(
                "The record says it is UTF-8, but its letters are Latin-1 (Windows-1252); they "
                "were read as Latin-1. Check it."
            ),
            cls.RECOVERED_MARC8: _(
                "The record says it is UTF-8, but its letters are MARC-8; they were read as "
                "MARC-8. Check it."
            ),
            cls.BRANCH_MAP_UNREADABLE: _("The branch map %(file)s could not be read: %(detail)s"),
            cls.BRANCH_MAP_LINE_INVALID: _(
                "Branch map %(file)s, line %(line)s: expected “code,ISIL”."
            ),
            cls.BRANCH_MAP_UNKNOWN_ISIL: _(
                "Branch map %(file)s, line %(line)s: no branch has the ISIL “%(isil)s”."
            ),
            cls.BRANCH_MAP_CODE_TWICE: _(
                "Branch map %(file)s, line %(line)s: the code “%(location)s” is mapped twice."
            ),
            cls.ITEM_UNKNOWN: _("No copy has barcode %(barcode)s."),
            cls.ITEM_BARCODE_IN_USE: _(
                "Barcode %(barcode)s is already in use, by a copy of “%(title)s”."
            ),
            cls.ITEM_ON_LOAN: _(
                "This copy is on loan: check it in first, then change its status. Nothing "
                "was changed."
            ),
            cls.ITEM_IN_CIRCULATION: _(
                "This copy's status is “%(status)s”: scan it in at the return screen first. "
                "Nothing was changed."
            ),
            cls.ITEM_CHANGE_NOT_ALLOWED: _(
                "This copy's status is “%(status)s”: “%(action)s” does not apply to it. Nothing "
                "was changed."
            ),
            cls.REASON_REQUIRED: _("Give a reason for this change."),
            cls.PRICE_INVALID: _("The replacement price must be an amount from 0 to 9,999.99."),
            cls.STOCKTAKE_RANGE_INVALID: _(
                "The call-number range runs backwards: “from” comes after “to”."
            ),
            cls.STOCKTAKE_CLOSED: _("This stocktake is closed: start a new one to scan again."),
            cls.STOCKTAKE_NOT_EXPECTED: _(
                "This stocktake did not expect this copy on the shelf, or it was scanned: not "
                "marked missing."
            ),
            **_record_messages(),
            cls.BRANCH_NEVER_OPEN: _(
                "A branch must be open on at least one day of the week. Nothing was changed."
            ),
            cls.CLOSED_DAY_IN_PAST: _("Choose today or a day to come."),
        }


class CatalogError(DomainError):
    pass


def _record_messages() -> dict[Any, Any]:
    """The messages of describing, merging and deleting titles and of copy cataloguing."""
    code = CatalogErrorCode
    return {
        code.ISBN_INVALID: _(
            "“%(isbn)s” is not a valid ISBN or EAN: check the digits (the last one is a check "
            "digit)."
        ),
        code.ISBN_TAKEN: _(
            "Title %(number)s (“%(title)s”) already has ISBN/EAN %(isbn)s. Nothing was saved."
        ),
        code.CONTROL_NUMBER_TAKEN: _(
            "Title %(number)s (“%(title)s”) already has control number %(control_number)s (001). "
            "Nothing was saved."
        ),
        code.YEAR_INVALID: _("The year must be a year from 1000 to 2100."),
        code.LANGUAGE_INVALID: _("The language must be a MARC language code of three letters."),
        code.MARC_LINE_INVALID: _("Line %(line)s (“%(text)s”): %(reason)s Nothing was saved."),
        code.MARC_FIELD_REPEATED: _("Field %(tag)s may occur only once. Nothing was saved."),
        code.MARC_TOO_LONG: _(
            "The MARC record is longer than 99,999 bytes, the most a MARC record may be. Nothing "
            "was saved."
        ),
        code.MERGE_SAME_RECORD: _("A title cannot be merged with itself. Nothing was changed."),
        code.RECORD_HAS_COPIES: _(
            "This title still has %(count)s copies: delete a title only when it has none (merge "
            "it into another title to keep them). Nothing was deleted."
        ),
        code.RECORD_HAS_HOLDS: _(
            "This title has %(count)s open reservations: it cannot be deleted while members wait "
            "for it (merge it into another title to keep them). Nothing was deleted."
        ),
        code.RECORD_HAS_LOANS: _(
            "Loans are counted for this title: merge it into another title instead. Nothing was "
            "deleted."
        ),
        code.RECORD_CHANGED: _(
            "The title changed while this was being done: try again. Nothing was changed."
        ),
        code.SRU_NOT_CONFIGURED: _(
            "No catalogue to copy from is set up (KAFT_SRU_URL): ask the administrator."
        ),
        code.SRU_UNREACHABLE: _(
            "The catalogue at %(host)s did not answer (%(detail)s). Nothing was taken over; try "
            "again later."
        ),
        code.SRU_MALFORMED: _(
            "The catalogue at %(host)s sent an answer Kaft cannot read (%(detail)s). Nothing was "
            "taken over."
        ),
        code.SRU_DIAGNOSTIC: _(
            "The catalogue at %(host)s refused the search: %(detail)s. Nothing was taken over."
        ),
        code.SRU_HIT_GONE: _(
            "The catalogue no longer gives this record for this ISBN: search again. Nothing was "
            "taken over."
        ),
        code.SRU_RECORD_EXISTS: _(
            "This title is already in the catalogue as title %(number)s (“%(title)s”). Nothing "
            "was taken over."
        ),
    }
