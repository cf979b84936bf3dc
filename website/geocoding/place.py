"""What every geocoder answers: a position, a label to show, and how precise it is."""

from dataclasses import dataclass
from decimal import Decimal


class Precision:
    """How close the position is to the address: the house, the street, or the commune's
    centre (the gazetteer's only answer)."""

    ADDRESS = "address"
    STREET = "street"
    COMMUNE = "commune"


@dataclass(frozen=True)
class Place:
    """A geocoded position. Latitude and longitude are rounded to six decimal places (about
    a decimetre), as the models store them; ``precision`` is one of ``Precision``'s values."""

    latitude: Decimal
    longitude: Decimal
    label: str
    precision: str

    def as_json(self) -> dict[str, str]:
        """The endpoint's shape: coordinates as strings, so no digit is lost to a float."""
        return {
            "latitude": str(self.latitude),
            "longitude": str(self.longitude),
            "label": self.label,
            "precision": self.precision,
        }
