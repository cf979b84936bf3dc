"""Forum attachments leave the public media root for the private one (issue 18).

They were stored under MEDIA_ROOT/forums/, which the web server (or Django, with
SERVE_MEDIA) serves at /media/ to anyone holding the address, past the view that checks who
may read the post. From now on they are stored in STORAGES' ``private`` (PRIVATE_MEDIA_ROOT),
which has no URL.

Every file is copied under the same name, read back and compared, and only then removed
from the public root: a run stopped half-way loses nothing, and running it again finishes
the job. Files under forums/ that no attachment names any more (left by deleted posts) move
too: they are private all the same. A name already taken by other bytes on the other side
gets a new name, and the attachments that named the file follow it. Going back moves every
file back the same way.
"""

import hashlib
import os

from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import storages
from django.db import migrations, models

import forums.models

FOLDER = "forums"  # what forums.models.attachment_path stores under


def _files(storage, folder):
    """Every file under ``folder``, at any depth."""
    if not storage.exists(folder):
        return []
    directories, files = storage.listdir(folder)
    names = [f"{folder}/{name}" for name in files]
    for directory in directories:
        names += _files(storage, f"{folder}/{directory}")
    return names


def _digest(storage, name):
    digest = hashlib.sha256()
    with storage.open(name, "rb") as opened:
        for chunk in iter(lambda: opened.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _move(source, target, name):
    """Copy, check, then remove the original; returns the file's name in ``target``."""
    digest = _digest(source, name)
    if target.exists(name) and _digest(target, name) == digest:
        kept = name  # copied by an earlier run that stopped before removing the original
    else:
        with source.open(name, "rb") as opened:
            kept = target.save(name, File(opened, name=name), max_length=255)
        if _digest(target, kept) != digest:
            raise RuntimeError(f"{name} was not copied whole; the original is kept.")
    source.delete(name)
    return kept


def _remove_empty_folders(storage):
    if not hasattr(storage, "path") or not storage.exists(FOLDER):
        return
    for folder, _dirs, _files_here in os.walk(storage.path(FOLDER), topdown=False):
        if not os.listdir(folder):
            os.rmdir(folder)


def _move_all(apps, source, target):
    if getattr(source, "location", None) and getattr(source, "location", None) == getattr(
        target, "location", None
    ):
        raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT and MEDIA_ROOT must be two folders.")
    Attachment = apps.get_model("forums", "Attachment")
    names = set(_files(source, FOLDER))
    names.update(
        name
        for name in Attachment.objects.values_list("file", flat=True).distinct()
        if name and source.exists(name)
    )
    for name in sorted(names):
        kept = _move(source, target, name)
        if kept != name:
            Attachment.objects.filter(file=name).update(file=kept)
    _remove_empty_folders(source)


def move_to_private_root(apps, schema_editor):
    _move_all(apps, storages["default"], storages["private"])


def move_back_to_media_root(apps, schema_editor):
    _move_all(apps, storages["private"], storages["default"])


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(
                max_length=255,
                storage=forums.models.private_storage,
                upload_to=forums.models.attachment_path,
                verbose_name="file",
            ),
        ),
        migrations.RunPython(move_to_private_root, move_back_to_media_root, elidable=False),
    ]
