"""Specific exceptions the front ends turn into human messages and exit codes."""

from __future__ import annotations


class VisrecError(Exception):
    """Base class of every expected failure; its message is shown to the user as is."""

    exit_code = 1


class ImageError(VisrecError):
    """A single photo could not be used; the indexer records `reason` and carries on."""

    reason = "corrupt"


class EmptyFileError(ImageError):
    reason = "empty"


class NotAnImageError(ImageError):
    reason = "not_image"


class UnsupportedFormatError(ImageError):
    reason = "unsupported"


class VideoFileError(ImageError):
    """A video among the photos: counted and reported, never decoded."""

    reason = "video"


class CorruptImageError(ImageError):
    reason = "corrupt"


class ImageTooLargeError(ImageError):
    reason = "too_large"


class ModelError(VisrecError):
    """The model file or its manifest is missing, damaged or inconsistent."""

    exit_code = 3


class StoreError(VisrecError):
    """The data folder or its database cannot be used."""

    exit_code = 4


class NoProfileError(StoreError):
    """A command that only reads found no profile in the data folder (a mistyped --data-dir,
    say); nothing was created."""

    exit_code = 9


class Cancelled(VisrecError):
    """Long work stopped because the user asked it to."""

    exit_code = 130


class WrongPassphraseError(VisrecError):
    """The passphrase does not open the profile; nothing on disk was changed."""

    exit_code = 5


class PassphraseRequiredError(VisrecError):
    """No way to ask for a passphrase (no terminal, no environment variable, no file)."""

    exit_code = 5


class DiskFullError(StoreError):
    """The disk (or the user's quota) is full: the change in progress was rolled back."""

    exit_code = 13


class DatabaseDamagedError(StoreError):
    """The index database file was damaged; it was set aside and rebuilt from what could be
    read. The message says what was recovered and what was not."""

    exit_code = 12


class TamperedError(VisrecError):
    """A sealed value failed authentication: altered on disk or moved between records."""

    exit_code = 6

    def __init__(self, message: str, table: str = "", column: str = "", row: bytes = b""):
        super().__init__(message)
        self.table, self.column, self.row = table, column, row


class CatalogFormatError(VisrecError):
    """A catalog bundle breaks the format; it is refused and nothing installed changes."""

    exit_code = 7


class SignatureError(CatalogFormatError):
    """A bundle's signature is invalid, or its key is not the one the installed catalog has."""


class CatalogDowngradeError(CatalogFormatError):
    """A signed catalog would be replaced by an older version of itself (a rollback); refused
    unless the person explicitly allows it. `created_at` and `installed_created_at` are the
    two versions' dates (ISO 8601), so a front end can ask in its own words."""

    def __init__(self, message: str, catalog_id: str = "", created_at: str = "",
                 installed_created_at: str = ""):
        super().__init__(message)
        self.catalog_id, self.created_at = catalog_id, created_at
        self.installed_created_at = installed_created_at


class BudgetExhaustedError(VisrecError):
    """A private export would spend more privacy budget than is left; nothing was released."""

    exit_code = 8
