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


class Cancelled(VisrecError):
    """Long work stopped because the user asked it to."""

    exit_code = 130
