"""Identifiers are validated (SIRET: 14 digits with the Luhn key; RNA: W and 9 digits), and
the database keeps coordinates whole."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from network.directory.models import Actor, IdentifierKind, luhn_valid, validate_rna, validate_siret

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("siret", ["73282932000074", "44306184100047", "35600000000010"])
def test_valid_siret_numbers_pass(siret):
    validate_siret(siret)


@pytest.mark.parametrize(
    "siret, code",
    [
        ("7328293200007", "siret_format"),  # 13 digits
        ("7328293200007A", "siret_format"),
        ("73282932000075", "siret_checksum"),  # one digit mistyped
        ("12345678901234", "siret_checksum"),
    ],
)
def test_invalid_siret_numbers_are_refused_with_a_reason(siret, code):
    with pytest.raises(ValidationError) as error:
        validate_siret(siret)
    assert error.value.code == code


def test_luhn_checks_every_digit():
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")


@pytest.mark.parametrize("rna", ["W442001234", "W751234567"])
def test_valid_rna_numbers_pass(rna):
    validate_rna(rna)


@pytest.mark.parametrize(
    "rna", ["442001234", "W44200123", "W4420012345", "X442001234", "w442001234"]
)
def test_invalid_rna_numbers_are_refused(rna):
    with pytest.raises(ValidationError):
        validate_rna(rna)


def test_actor_clean_normalises_spaces_and_names_the_field(vocab):
    actor = Actor(
        name="Scop Bois",
        slug="scop-bois",
        identifier_kind=IdentifierKind.SIRET,
        identifier="732 829 320 00074",
    )
    actor.full_clean()
    assert actor.identifier == "73282932000074"

    actor.identifier = "732 829 320 00075"
    with pytest.raises(ValidationError) as error:
        actor.full_clean()
    assert "identifier" in error.value.message_dict


def test_an_identifier_needs_its_kind_and_coordinates_come_in_pairs(vocab):
    with pytest.raises(ValidationError) as error:
        Actor(name="A", slug="a", identifier="W442001234").full_clean()
    assert "identifier_kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        Actor(name="A", slug="a", latitude=47).full_clean()
    assert "longitude" in error.value.message_dict
    with pytest.raises(IntegrityError):
        Actor.objects.create(name="B", slug="b", latitude=47)
