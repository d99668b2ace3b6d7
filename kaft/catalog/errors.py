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
        }


class CatalogError(DomainError):
    pass
