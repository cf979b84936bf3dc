"""Duplicate detection for actors: the same identifier first, then a similar name close by
(same territory, or coordinates within a few kilometres). Pairs a moderator marked "not a
duplicate" are never flagged again."""

import math
import re
import unicodedata
from collections import defaultdict

from .models import Actor, ActorStatus, NotDuplicate

# Words that say what an actor is rather than which one it is.
NOISE_WORDS = {
    "association",
    "asso",
    "cooperative",
    "scop",
    "scic",
    "sarl",
    "sas",
    "sa",
    "la",
    "le",
    "les",
    "l",
    "de",
    "des",
    "du",
    "d",
    "et",
    "the",
}
NEARBY_KM = 5.0
GRID = 0.1  # degrees: coordinates are bucketed so that only neighbours are compared


def normalize_name(name):
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in NOISE_WORDS]
    return " ".join(words)


def max_distance(name):
    """How many edits still count as the same name: a typo or two, fewer for short names."""
    return 1 if len(name) < 10 else 2


def bounded_levenshtein(a, b, limit):
    """Edit distance between a and b, or limit + 1 as soon as it must exceed limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        low = max(1, i - limit)
        high = min(len(b), i + limit)
        if low > 1:
            current[low - 1] = limit + 1
        best = current[low - 1] if low > 1 else i
        for j in range(low, high + 1):
            cost = 0 if ca == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            best = min(best, current[j])
        if high < len(b):
            current[high + 1 :] = [limit + 1] * (len(b) - high)
        if best > limit:
            return limit + 1
        previous = current
    return min(previous[len(b)], limit + 1)


def km_between(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(min(1.0, h)))


class Entry:
    __slots__ = ("key", "label", "norm", "identifier", "territory_id", "lat", "lon")

    def __init__(self, key, label, identifier, territory_id, lat, lon):
        self.key, self.label = key, label
        self.norm = normalize_name(label)
        self.identifier = identifier or ""
        self.territory_id = territory_id
        self.lat = float(lat) if lat is not None else None
        self.lon = float(lon) if lon is not None else None


def name_keys(norm):
    """Blocking keys: the first and last three letters of each word. Two names within a
    typo or two of each other share at least one of them unless every word is mistyped."""
    keys = set()
    for word in norm.split():
        keys.add(word[:3])
        keys.add(word[-3:])
    return keys


class DuplicateIndex:
    """Known actors (and rows already read), searchable by identifier, and by place and
    name keys, so that each new name is compared with a handful of neighbours only."""

    def __init__(self, not_duplicates=()):
        self.by_identifier = {}
        self.by_place = defaultdict(list)
        self.not_duplicates = set(not_duplicates)

    @classmethod
    def from_database(cls):
        """Every actor not archived, in two queries."""
        index = cls(NotDuplicate.objects.values_list("first_id", "second_id"))
        for pk, name, identifier, territory_id, lat, lon in (
            Actor.objects.exclude(status=ActorStatus.ARCHIVED)
            .order_by("pk")
            .values_list("pk", "name", "identifier", "territory_id", "latitude", "longitude")
        ):
            index.add(Entry(pk, name, identifier, territory_id, lat, lon))
        return index

    @staticmethod
    def _cell(lat, lon):
        return (math.floor(lat / GRID), math.floor(lon / GRID))

    def _own_places(self, entry):
        places = []
        if entry.territory_id:
            places.append(("territory", entry.territory_id))
        if entry.lat is not None:
            places.append(("cell", self._cell(entry.lat, entry.lon)))
        if not places:
            places.append(("nowhere", None))
        return places

    def _nearby_places(self, entry):
        places = []
        if entry.territory_id:
            places.append(("territory", entry.territory_id))
        if entry.lat is not None:
            row, col = self._cell(entry.lat, entry.lon)
            places.extend(("cell", (row + dr, col + dc)) for dr in (-1, 0, 1) for dc in (-1, 0, 1))
        if not places:
            places.append(("nowhere", None))
        return places

    def add(self, entry):
        if entry.identifier:
            self.by_identifier.setdefault(entry.identifier, entry)
        for place in self._own_places(entry):
            for key in name_keys(entry.norm):
                self.by_place[(place, key)].append(entry)

    def _excluded(self, entry, other):
        if entry.key == other.key:
            return True
        if isinstance(entry.key, int) and isinstance(other.key, int):
            pair = (min(entry.key, other.key), max(entry.key, other.key))
            return pair in self.not_duplicates
        return False

    def _close(self, entry, other, place):
        if place[0] != "cell":
            return True
        return km_between(entry.lat, entry.lon, other.lat, other.lon) <= NEARBY_KM

    def find(self, entry):
        """(the entry it duplicates, the reason) or None."""
        if entry.identifier:
            other = self.by_identifier.get(entry.identifier)
            if other is not None and not self._excluded(entry, other):
                return other, "identifier"
        if not entry.norm:
            return None
        limit = max_distance(entry.norm)
        seen = set()
        for place in self._nearby_places(entry):
            for key in name_keys(entry.norm):
                for other in self.by_place.get((place, key), ()):
                    if id(other) in seen:
                        continue
                    seen.add(id(other))
                    if self._excluded(entry, other) or not other.norm:
                        continue
                    if bounded_levenshtein(entry.norm, other.norm, limit) <= limit and self._close(
                        entry, other, place
                    ):
                        return other, "name"
        return None
