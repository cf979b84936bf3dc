/* The directory's map: clustered markers of actors, loaded for the visible area from the
   GeoJSON route (bbox=west,south,east,north), with the page's filters, on the ground that
   basemap.js draws. Each marker says the family of the actor's first sector by a letter and
   a colour; the legend under the map lists the families shown. After the map is moved, a
   button reloads the page for that area (bbox= in the address), so the list beside the map,
   its accessible equivalent, says the same. Strings come translated from data-* attributes;
   nothing from the data is inserted as HTML. */
(function () {
    "use strict";

    var container = document.getElementById("directory-map");
    var status = document.getElementById("directory-map-status");
    if (!container || !window.L || !window.fetch || !window.EssaimMap) {
        return;
    }
    var texts = container.dataset;
    // The page's own area (after "search this area") is not the data route's: it sends its own.
    var source = container.dataset.source
        .replace(/([?&])bbox=[^&]*&?/, "$1")
        .replace(/[?&]$/, "");
    var separator = source.indexOf("?") === -1 ? "?" : "&";
    var legend = document.getElementById("directory-map-legend");
    var searchArea = document.getElementById("directory-map-search-area");
    var families = {};

    function popupFor(properties) {
        var box = document.createElement("div");
        var link = document.createElement("a");
        link.href = properties.url;
        link.textContent = properties.name;
        box.appendChild(link);
        var facts = [properties.family_name, properties.legal_form, properties.territory]
            .filter(Boolean).join(" · ");
        if (properties.umbrella) {
            facts = texts.textUmbrella + (facts ? " · " + facts : "");
        }
        if (facts) {
            box.appendChild(document.createElement("br"));
            box.appendChild(document.createTextNode(facts));
        }
        return box;
    }

    function showError(error) {
        if (window.console && error) {
            window.console.error(error);
        }
        var message = document.createElement("p");
        message.className = "events-map__error";
        message.textContent = texts.textError;
        container.replaceWith(message);
        if (legend) {
            legend.hidden = true;
        }
    }

    function load(bbox) {
        var url = bbox ? source + separator + "bbox=" + bbox : source;
        return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
            if (!response.ok) {
                throw new Error(response.status);
            }
            return response.json();
        });
    }

    /* The legend lists every family met so far (it grows as the map moves, never shrinks,
       so that it does not jump under the reader's eyes), then actors without a sector. */
    function remember(properties) {
        var key = properties.family || "";
        if (!families[key]) {
            families[key] = {
                mark: properties.family_mark || "•",
                tone: properties.family ? properties.family_tone : undefined,
                name: properties.family_name || texts.textNoSector
            };
            drawLegend();
        }
    }

    function drawLegend() {
        if (!legend) {
            return;
        }
        var list = legend.querySelector("[data-legend-families]");
        while (list.firstChild) {
            list.removeChild(list.firstChild);
        }
        Object.keys(families).sort(function (a, b) {
            if (!a || !b) {
                return a ? -1 : 1; // no sector last
            }
            return families[a].name.localeCompare(families[b].name);
        }).forEach(function (key) {
            var family = families[key];
            var item = document.createElement("li");
            var sample = document.createElement("span");
            sample.className = "map-legend__sample essaim-badge essaim-badge--actor"
                + (family.tone === undefined || family.tone === null ? "" : " essaim-tone-" + family.tone);
            sample.setAttribute("aria-hidden", "true");
            sample.textContent = family.mark;
            item.appendChild(sample);
            item.appendChild(document.createTextNode(" " + family.name));
            list.appendChild(item);
        });
        legend.hidden = false;
    }

    function markersOf(collection) {
        return collection.features.map(function (feature) {
            var properties = feature.properties;
            var coordinates = feature.geometry.coordinates; // GeoJSON: longitude first
            remember(properties);
            var tone = properties.family ? properties.family_tone : undefined;
            var marker = L.marker([coordinates[1], coordinates[0]], {
                icon: EssaimMap.badge("actor", properties.family_mark || "•", tone, properties.name),
                title: properties.name,
                keyboard: true
            });
            return marker.bindPopup(popupFor(properties));
        });
    }

    function boxOf(bounds) {
        return [
            Math.max(bounds.getWest(), -180), Math.max(bounds.getSouth(), -90),
            Math.min(bounds.getEast(), 180), Math.min(bounds.getNorth(), 90)
        ].map(function (n) { return n.toFixed(5); }).join(",");
    }

    function pageArea() {
        var match = /[?&]bbox=(-?[\d.]+),(-?[\d.]+),(-?[\d.]+),(-?[\d.]+)/.exec(window.location.search);
        if (!match) {
            return null;
        }
        var n = match.slice(1).map(Number);
        return L.latLngBounds([n[1], n[0]], [n[3], n[2]]);
    }

    function offerSearchArea(map) {
        if (!searchArea) {
            return;
        }
        searchArea.addEventListener("click", function () {
            var params = new URLSearchParams(window.location.search);
            params.delete("page");
            params.set("bbox", boxOf(map.getBounds()));
            window.location.assign(window.location.pathname + "?" + params.toString() + "#results-title");
        });
        // Shown once the reader has moved the map (by mouse, touch or keys): called after
        // the first fitBounds, whose moveend has fired already.
        map.on("moveend", function () {
            searchArea.hidden = false;
        });
    }

    load(null)
        .then(function (collection) {
            var area = pageArea();
            if (!collection.features.length && !area) {
                return;
            }
            container.hidden = false;
            container.setAttribute("role", "region");
            container.setAttribute("aria-label", texts.label);
            var map = L.map(container, {
                scrollWheelZoom: false,
                maxZoom: 18 // markercluster needs it
            });
            EssaimMap.ground(map);
            EssaimMap.fullscreen(map, texts.textFullscreen);
            var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
            cluster.addLayers(markersOf(collection));
            map.addLayer(cluster);
            if (area) {
                map.fitBounds(area);
            } else {
                map.fitBounds(cluster.getBounds(), { padding: [30, 30], maxZoom: 12 });
            }
            offerSearchArea(map);

            var pending = null;
            map.on("moveend", function () {
                // Ask again for what the visible area holds: the first answer may be capped.
                clearTimeout(pending);
                pending = setTimeout(function () {
                    load(boxOf(map.getBounds())).then(function (visible) {
                        cluster.clearLayers();
                        cluster.addLayers(markersOf(visible));
                        if (status) {
                            status.textContent = visible.truncated ? texts.textTruncated : "";
                        }
                    }).catch(function () { /* keep the markers shown */ });
                }, 250);
            });
        })
        .catch(showError);
})();
