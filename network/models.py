"""Controlled vocabularies of the network, shared by events, the directory and forums."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class Sector(models.Model):
    """A sector of activity (filière), in a tree that moderators curate.

    Names are kept in both languages on the row itself: the list is short, curated, and
    filtered on constantly, so one row per sector keeps every query simple.
    """

    name_fr = models.CharField(_("name in French"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    panels = [
        FieldPanel("name_fr"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("parent"),
    ]

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name_fr"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if get_language() == "en" and self.name_en else self.name_fr


class Territory(models.Model):
    """A commune, an intercommunality, a region or a country, in France or elsewhere."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        INTERCOMMUNALITY = "intercommunality", _("Intercommunality")
        REGION = "region", _("Region")
        COUNTRY = "country", _("Country")

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("official code"),
        max_length=20,
        blank=True,
        help_text=_("INSEE code for a French commune, ISO 3166 code for a country..."),
    )
    country = models.CharField(_("country code"), max_length=2, help_text=_("ISO 3166-1, e.g. FR"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("code"),
        FieldPanel("country"),
        FieldPanel("parent"),
    ]

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]

    def __str__(self):
        return self.name
