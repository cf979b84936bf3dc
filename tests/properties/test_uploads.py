"""Forum attachments: whatever the bytes and the name, a file is refused with a message or kept
as the type its bytes say; hostile files posted through the page leave nothing behind.

Negative control: before ``forums.attachments.check_upload`` caught Pillow's
DecompressionBombError, the 30000 x 30000 PNG below (about 100 KB) escaped the service as a
500 from the "new topic" page (``test_a_hostile_file_is_refused_on_the_page_and_nothing_kept``
fails there), and a 10000 x 10000 one (a warning only) was accepted.
"""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import assume, given
from hypothesis import strategies as st
from PIL import Image

from forums.attachments import check_upload, sniff
from forums.models import Attachment, Post, Topic
from tests.properties.conftest import examples

pytestmark = pytest.mark.django_db


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(side):
    """A 1-bit black square of ``side`` pixels: a few KB per thousand rows once compressed."""
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte, then the packed bits
    pixels = zlib.compress(row * side, 9)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def image_bytes(fmt, size=(4, 3)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, fmt)
    return buffer.getvalue()


HOSTILE = {
    "exe named png": ("photo.png", b"MZ\x90\x00\x03" + b"\x00" * 200, "image/png"),
    "html named pdf": ("cv.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
    "svg with script": (
        "logo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/svg+xml",
    ),
    "png header only": ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"),
    "empty": ("empty.png", b"", "image/png"),
    "oversized": ("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "application/pdf"),
    "decompression bomb": ("bomb.png", bomb_png(30000), "image/png"),
    "bomb below Pillow's error": ("bomb2.png", bomb_png(10000), "image/png"),
}


def test_the_bomb_is_small_on_the_wire():
    assert len(HOSTILE["decompression bomb"][1]) < 200_000


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_file_is_refused_on_the_page_and_nothing_kept(
    client, public, member, settings, tmp_path, case
):
    settings.MEDIA_ROOT = str(tmp_path)
    name, content, content_type = HOSTILE[case]
    client.force_login(member)
    response = client.post(
        "/en/forums/c/alimentation/new/",
        {
            "title": "Pièce jointe",
            "body": "Voici le fichier.",
            "files": SimpleUploadedFile(name, content, content_type),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert any(
        words in page
        for words in (
            "is too large",
            "is not an image",
            "is not a readable image",
            "The submitted file is empty",
        )
    ), page[:2000]
    assert not Topic.objects.exists() and not Post.objects.exists()
    assert not Attachment.objects.exists()
    assert not any(path.is_file() for path in Path(tmp_path).rglob("*"))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_a_real_image_is_kept_with_its_true_type(client, public, member, settings, tmp_path, fmt):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(member)
    upload = SimpleUploadedFile("../photo du marché.EXE", image_bytes(fmt), "text/html")
    response = client.post(
        "/en/forums/c/alimentation/new/",
        {"title": f"Photo {fmt}", "body": "La photo.", "files": upload},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.kind == Attachment.Kind.IMAGE
    assert attachment.content_type == f"image/{fmt.lower()}"
    assert attachment.name.endswith({"JPEG": ".jpg"}.get(fmt, f".{fmt.lower()}"))


@examples(150)
@given(
    head=st.sampled_from(
        [b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"%PDF-", b"RIFF\0\0\0\0WEBP"]
    ),
    body=st.binary(max_size=300),
    name=st.text(max_size=120),
)
def test_any_bytes_and_name_are_refused_or_kept_as_their_real_type(head, body, name):
    try:
        # The browser's name, whatever it is (slashes, NUL, RTL); Django's own checks refuse
        # some (an empty name, "..") before our code sees them.
        upload = SimpleUploadedFile(name, head + body)
    except SuspiciousFileOperation:
        assume(False)
    try:
        kind, content_type, safe = check_upload(upload)
    except ValidationError as error:
        assert error.messages and error.code == "files"
        return
    assert (kind, content_type) == sniff(head + body)[:2]
    assert safe.isascii() and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert 1 <= len(safe) <= 85 and not safe.startswith(".")


@examples(25)
@given(
    fmt=st.sampled_from(["PNG", "JPEG", "GIF", "WEBP"]),
    width=st.integers(1, 300),
    height=st.integers(1, 300),
)
def test_any_real_small_image_is_accepted(fmt, width, height):
    kind, content_type, safe = check_upload(
        SimpleUploadedFile("image", image_bytes(fmt, (width, height)))
    )
    assert kind == "image" and content_type.startswith("image/")


def test_pillow_keeps_its_bomb_limit():
    """The check relies on Pillow's limit: a setting that lifted it would let bombs through."""
    assert Image.MAX_IMAGE_PIXELS and Image.MAX_IMAGE_PIXELS <= 100_000_000
