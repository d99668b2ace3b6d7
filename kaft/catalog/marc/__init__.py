"""Reading MARC21 files (ISO 2709 and MARCXML) and mapping records onto the catalogue's fields."""
