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
    UNKNOWN_BRANCH = "unknown_branch"
    NO_BRANCH = "no_branch"
    BARCODE_TAKEN = "barcode_taken"
    BARCODE_INVALID = "barcode_invalid"
    BARCODE_MALFORMED = "barcode_malformed"
    NOT_SAVED = "not_saved"

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
            cls.UNKNOWN_BRANCH: _("Field %(tag)s names an unknown branch “%(branch)s”."),
            cls.NO_BRANCH: _("Field %(tag)s names no branch and no default branch was given."),
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
        }


class CatalogError(DomainError):
    pass
