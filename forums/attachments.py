"""Checking uploads: the type is read from the bytes, never from the name or the browser."""

import unicodedata
import warnings
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .rules import limit

# (magic bytes at offset 0, kind, content type, extension)
SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image", "image/png", "png"),
    (b"\xff\xd8\xff", "image", "image/jpeg", "jpg"),
    (b"GIF87a", "image", "image/gif", "gif"),
    (b"GIF89a", "image", "image/gif", "gif"),
    (b"%PDF-", "pdf", "application/pdf", "pdf"),
]


def sniff(head):
    """(kind, content type, extension) from a file's first bytes, or None."""
    for magic, kind, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return kind, content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "image/webp", "webp"
    return None


def safe_name(original, extension):
    """A plain ASCII name: the original's stem as a slug, with the extension of the real type."""
    stem = PurePath(str(original).replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = unicodedata.normalize("NFKD", stem)
    stem = slugify(stem)[:80].strip("-_") or "file"
    return f"{stem}.{extension}"


def check_upload(upload):
    """Validate one uploaded file; return (kind, content type, safe name) or raise."""
    maximum = limit("FORUMS_ATTACHMENT_MAX_BYTES")
    if upload.size > maximum:
        raise ValidationError(
            _("%(name)s is too large: at most %(size)d MB per file.")
            % {"name": safe_name(upload.name, "")[:-1], "size": maximum // (1024 * 1024)},
            code="files",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        raise ValidationError(
            _("%(name)s is not an image (PNG, JPEG, GIF, WebP) nor a PDF document.")
            % {"name": safe_name(upload.name, "")[:-1]},
            code="files",
        )
    kind, content_type, extension = found
    if kind == "image":
        try:
            with warnings.catch_warnings():
                # A few KB can claim billions of pixels (a decompression bomb): Pillow refuses
                # past twice MAX_IMAGE_PIXELS and only warns below; refuse from the limit on.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(upload) as image:
                    image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ValidationError(
                _("%(name)s is too large an image: at most %(pixels)d million pixels.")
                % {
                    "name": safe_name(upload.name, "")[:-1],
                    "pixels": (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000,
                },
                code="files",
            ) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ValidationError(
                _("%(name)s is not a readable image.") % {"name": safe_name(upload.name, "")[:-1]},
                code="files",
            ) from error
        finally:
            upload.seek(0)
    return kind, content_type, safe_name(upload.name, extension)
