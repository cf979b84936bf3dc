"""The offline gazetteer: the communes of the network's countries and their centre.

No network, no service to run: the fallback of every other backend and the default one.
The data (``data/communes.tsv.gz``, GeoNames CC BY 4.0, rebuilt by ``build.py``) is read
once per process, on first use, into a dict keyed by folded name (``folding.fold``).

A query is an address as people type it ("12 rue de la Paix, 44000 Nantes", "Plateau, Dakar,
Sénégal"): every run of up to ``MAX_WORDS`` consecutive words is looked up, and among the
communes found the best is, in order:

1. the one right before or after a French postcode ("44000 Nantes", "Nantes 44000");
2. one in the country asked for, or the country the postcode says (974xx: La Réunion), or a
   country the query names ("Sénégal");
3. the longest name ("Saint-Denis" over "Denis");
4. one whose region or department the query names ("Saint-Denis, La Réunion");
5. a regional capital (GeoNames' cities1000 has no population: a place that gives its name
   to its region, as Dakar or Québec do, is taken for the larger one);
6. the first in GeoNames' order.

Words after a street word ("rue", "avenue", "place"...) up to the next comma or postcode
are the street's, not a commune's: "rue de Strasbourg, Nantes" is in Nantes. The trap is
GeoNames' spelling: names are ASCII ("Quebec", "Peyrat-le-Chateau"), which folding matches
but labels show as such.
"""

from __future__ import annotations

import gzip
import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .folding import fold, fold_words

DATA_FILE = Path(__file__).resolve().parent / "data" / "communes.tsv.gz"
MAX_WORDS = 8

# Words that start a street's name: what follows them, up to a comma or a postcode, is not
# the commune ("Rue" is a commune of the Somme, "Paris" a street of every town).
_STREET_WORDS = (
    "rue ruelle avenue av ave bd boulevard blvd place pl chemin ch allee allees impasse imp "
    "route rte quai cours square passage sentier voie rond point residence res lotissement "
    "zone za zi zac parc cite faubourg fbg esplanade promenade villa montee rang street road "
    "drive way lane"
)
STREET_WORDS = frozenset(_STREET_WORDS.split())
# Common words that are also the name of some small place: never a commune on their own.
_STOPWORDS = (
    "a au aux as d de des du en et l la le les sur sous pres lez bis ter y un une the of "
    "and in on at po"
)
STOPWORDS = frozenset(_STOPWORDS.split())
# French names of places GeoNames spells otherwise (its file has one name per place, the
# English or the local one): folded French name -> folded GeoNames name.
ALIASES = {
    "bruxelles": "brussels",
    "anvers": "antwerpen",
    "louvain": "leuven",
    "gand": "gent",
    "bruges": "brugge",
    "malines": "mechelen",
    "courtrai": "kortrijk",
    "ypres": "ieper",
    "bale": "basel",
    "berne": "bern",
    "lucerne": "luzern",
    "soleure": "solothurn",
    "coire": "chur",
    "saint gall": "sankt gallen",
    "alger": "algiers",
    "beyrouth": "beirut",
    "ho chi minh ville": "ho chi minh city",
    "saigon": "ho chi minh city",
}
_POSTCODE = re.compile(r"^\d{5}$")
_SEGMENTS = re.compile(r"[,;\n/()]+")
# French overseas postcodes: the first three digits say the territory.
_OVERSEAS = {
    "971": "GP",
    "972": "MQ",
    "973": "GF",
    "974": "RE",
    "975": "PM",
    "976": "YT",
    "977": "BL",
    "978": "MF",
    "986": "WF",
    "987": "PF",
    "988": "NC",
}
# Administrative words that GeoNames' region and department names carry.
_ADMIN_NOISE = re.compile(
    r"^(departement|province|provincie|region|prefecture|district|wahlkreis|bezirk|canton)"
    r"( (de la|de l|du|des|de|d))? "
)


@dataclass(frozen=True)
class Commune:
    name: str
    latitude: Decimal
    longitude: Decimal
    country: str
    key: str  # the folded name
    admin: tuple[str, ...]  # folded region and department names, without "Département de"
    is_capital: bool
    order: int


class Gazetteer:
    """Communes by folded name; ``search`` returns the best matches of a query."""

    def __init__(self, communes: list[Commune]):
        self.by_key: dict[str, list[Commune]] = {}
        for commune in communes:
            self.by_key.setdefault(commune.key, []).append(commune)
        for alias, key in ALIASES.items():
            if key in self.by_key:
                self.by_key.setdefault(alias, []).extend(self.by_key[key])
        self.countries = {commune.country for commune in communes}

    @classmethod
    def from_file(cls, path: Path = DATA_FILE) -> Gazetteer:
        communes = []
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for order, line in enumerate(lines):
                name, lat, lon, country, admin1, admin2 = line.rstrip("\n").split("\t")
                key = fold(name)
                if not key or key in STOPWORDS:
                    continue
                admin = tuple(
                    _ADMIN_NOISE.sub("", folded)
                    for folded in (fold(admin1), fold(admin2))
                    if folded
                )
                communes.append(
                    Commune(
                        name=name,
                        latitude=Decimal(lat),
                        longitude=Decimal(lon),
                        country=country,
                        key=key,
                        admin=admin,
                        is_capital=key in admin,
                        order=order,
                    )
                )
        return cls(communes)

    def search(
        self,
        query: str,
        *,
        country: str = "",
        limit: int = 5,
        country_names: dict[str, str] | None = None,
    ) -> list[Commune]:
        """The communes ``query`` names, best first (see the module's docstring)."""
        words, in_street, postcodes = _scan(query)
        if not words:
            return []
        # What the query says outside street names: "rue Maurice Ravel" names no country.
        said = [word for word, street in zip(words, in_street, strict=True) if not street]
        folded_query = f" {' '.join(said)} "
        wanted = {country.upper()} if country else set()
        for index in postcodes:
            code = words[index]
            wanted.add(_OVERSEAS.get(code[:3], "FR") if code[:2] in {"97", "98"} else "FR")
        for name, code in (country_names or {}).items():
            if f" {name} " in folded_query:
                wanted.add(code)
        found: dict[int, tuple[tuple[bool, bool, int, bool, bool, int], Commune]] = {}
        for start in range(len(words)):
            if in_street[start]:
                continue
            for end in range(start + 1, min(start + MAX_WORDS, len(words)) + 1):
                if any(in_street[start:end]) or _POSTCODE.match(words[end - 1]):
                    break
                key = " ".join(words[start:end])
                for commune in self.by_key.get(key, ()):
                    by_postcode = (start - 1 in postcodes) or (end in postcodes)
                    rank = (
                        not by_postcode,
                        commune.country not in wanted,
                        -len(key),
                        not any(f" {admin} " in folded_query for admin in commune.admin),
                        not commune.is_capital,
                        commune.order,
                    )
                    if commune.order not in found or rank < found[commune.order][0]:
                        found[commune.order] = (rank, commune)
        ranked = sorted(found.values(), key=lambda item: item[0])
        return [commune for _rank, commune in ranked[:limit]]


def _scan(query: str) -> tuple[list[str], list[bool], set[int]]:
    """The folded words of ``query``; for each, whether it belongs to a street's name; and
    the positions of the postcodes."""
    words: list[str] = []
    in_street: list[bool] = []
    postcodes: set[int] = set()
    for segment in _SEGMENTS.split(query):
        street = False
        for word in fold_words(segment):
            if _POSTCODE.match(word):
                street = False
                postcodes.add(len(words))
            elif word in STREET_WORDS:
                street = True
            words.append(word)
            in_street.append(street)
    return words, in_street, postcodes


_loaded: Gazetteer | None = None
_lock = threading.Lock()


def gazetteer() -> Gazetteer:
    """The process's gazetteer, read from its file on first use."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = Gazetteer.from_file()
    return _loaded
