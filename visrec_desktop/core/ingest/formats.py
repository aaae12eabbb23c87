"""What a file is: its format from its first bytes, and which file names the scanner looks at.

The content decides the format (a JPEG named `.heic` is a JPEG). The name matters only where the
content cannot tell: camera RAW files built on TIFF (DNG, NEF, ARW, CR2...) start like a TIFF.
"""

from __future__ import annotations

# Every name an image may carry: the scanner lists these, so none is silently ignored.
IMAGE_SUFFIXES = frozenset({
    ".jpg", ".jpeg", ".jpe", ".jfif", ".jif", ".pjpeg", ".pjp",
    ".png", ".apng", ".webp", ".bmp", ".dib", ".tif", ".tiff", ".gif",
    ".avif", ".heic", ".heif", ".hif", ".jp2", ".j2k", ".jpf", ".jpx", ".jxl",
})
RAW_SUFFIXES = frozenset({
    ".dng", ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".orf", ".rw2",
    ".raf", ".pef", ".srw", ".x3f", ".3fr", ".erf", ".kdc", ".dcr", ".mrw", ".raw", ".rwl",
    ".iiq", ".mef", ".mos",
})
HEIF_SUFFIXES = frozenset({".heic", ".heif", ".hif"})
PHOTO_SUFFIXES = IMAGE_SUFFIXES | RAW_SUFFIXES
# Videos that phones and cameras leave next to photos: counted and reported, never decoded.
VIDEO_SUFFIXES = frozenset({
    ".mp4", ".mov", ".m4v", ".3gp", ".3g2", ".avi", ".mkv", ".webm", ".wmv", ".mts", ".m2ts",
    ".mpg", ".mpeg", ".vob", ".flv", ".insv", ".lrv",
})

VIDEO = "VIDEO"
RAW = "RAW"

_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm",
                          b"hevs", b"mif1", b"msf1", b"mif2", b"MiHE", b"MiHB"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_VIDEO_BRANDS = frozenset({b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42",
                           b"mp4v", b"avc1", b"qt  ", b"M4V ", b"M4VH", b"M4VP", b"3gp4",
                           b"3gp5", b"3gp6", b"3g2a", b"MSNV", b"XAVC", b"dash"})


def _ftyp(data: bytes) -> str | None:
    """Format of an ISO base media file from its `ftyp` box (major and compatible brands)."""
    size = int.from_bytes(data[:4], "big")
    brands = [data[8:12]]
    end = min(size, len(data), 256) if size >= 16 else 16
    brands += [data[i:i + 4] for i in range(16, end - 3, 4)]
    if brands[0] == b"crx ":
        return RAW  # Canon CR3
    for group, name in ((_AVIF_BRANDS, "AVIF"), (_HEIF_BRANDS, "HEIF"), (_VIDEO_BRANDS, VIDEO)):
        if brands[0] in group:
            return name
    for group, name in ((_AVIF_BRANDS, "AVIF"), (_HEIF_BRANDS, "HEIF"), (_VIDEO_BRANDS, VIDEO)):
        if any(b in group for b in brands[1:]):
            return name
    return None


def sniff(data: bytes) -> str | None:
    """Format from magic bytes ("JPEG", "PNG", ..., "HEIF", "RAW", "VIDEO"), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF":
        return {b"WEBP": "WEBP", b"AVI ": VIDEO}.get(data[8:12])
    if data[:2] == b"BM":
        return "BMP"
    if data.startswith(b"FUJIFILMCCD-RAW") or data[:4] in (b"IIRO", b"IIRS", b"MMOR", b"IIU\x00"):
        return RAW  # Fujifilm RAF, Olympus ORF, Panasonic RW2
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return RAW if data[8:10] == b"CR" else "TIFF"  # Canon CR2 is a TIFF with a mark
    if data[4:8] == b"ftyp":
        return _ftyp(data)
    if data.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n") or data.startswith(b"\xff\x4f\xff\x51"):
        return "JP2"
    if data.startswith(b"\xff\x0a") or data.startswith(b"\x00\x00\x00\x0cJXL \r\n\x87\n"):
        return "JXL"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return VIDEO  # Matroska / WebM
    if data[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3") or (
            len(data) > 188 and data[0] == 0x47 and data[188] == 0x47):
        return VIDEO  # MPEG program / transport stream
    return None


def is_video_name(name: str) -> bool:
    """True for a file name that phones and cameras give to videos."""
    dot = name.rfind(".")
    return dot >= 0 and name[dot:].lower() in VIDEO_SUFFIXES
