/* The directory's map: clustered markers of actors, loaded for the visible area from the
   GeoJSON route (bbox=west,south,east,north), with the page's filters. The list beside the
   map is the accessible equivalent. Strings come translated from data-* attributes;
   nothing from the data is inserted as HTML. */
(function () {
    "use strict";

    var container = document.getElementById("directory-map");
    var status = document.getElementById("directory-map-status");
    if (!container || !window.L || !window.fetch) {
        return;
    }
    var source = container.dataset.source;
    var separator = source.indexOf("?") === -1 ? "?" : "&";

    function popupFor(properties) {
        var box = document.createElement("div");
        var link = document.createElement("a");
        link.href = properties.url;
        link.textContent = properties.name;
        box.appendChild(link);
        var facts = [properties.legal_form, properties.territory].filter(Boolean).join(" · ");
        if (properties.umbrella) {
            facts = container.dataset.textUmbrella + (facts ? " · " + facts : "");
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
        message.textContent = container.dataset.textError;
        container.replaceWith(message);
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

    function markersOf(collection) {
        return collection.features.map(function (feature) {
            var coordinates = feature.geometry.coordinates; // GeoJSON: longitude first
            var marker = L.marker([coordinates[1], coordinates[0]], {
                title: feature.properties.name,
                alt: feature.properties.name,
                keyboard: true
            });
            marker.bindPopup(popupFor(feature.properties));
            return marker;
        });
    }

    load(null)
        .then(function (collection) {
            if (!collection.features.length) {
                return;
            }
            container.hidden = false;
            container.setAttribute("role", "region");
            container.setAttribute("aria-label", container.dataset.label);
            var tiles = container.dataset.tiles;
            var map = L.map(container, {
                attributionControl: Boolean(tiles),
                scrollWheelZoom: false,
                maxZoom: 18 // markercluster needs it, and there may be no tile layer to give it
            });
            if (tiles) {
                // A tile server configured by MAP_TILE_URL; without one, markers only.
                L.tileLayer(tiles, { attribution: container.dataset.attribution, maxZoom: 19 }).addTo(map);
            }
            var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
            cluster.addLayers(markersOf(collection));
            map.addLayer(cluster);
            map.fitBounds(cluster.getBounds(), { padding: [30, 30], maxZoom: 12 });

            var pending = null;
            map.on("moveend", function () {
                // Ask again for what the visible area holds: the first answer may be capped.
                clearTimeout(pending);
                pending = setTimeout(function () {
                    var bounds = map.getBounds();
                    var bbox = [
                        Math.max(bounds.getWest(), -180), Math.max(bounds.getSouth(), -90),
                        Math.min(bounds.getEast(), 180), Math.min(bounds.getNorth(), 90)
                    ].map(function (n) { return n.toFixed(5); }).join(",");
                    load(bbox).then(function (visible) {
                        cluster.clearLayers();
                        cluster.addLayers(markersOf(visible));
                        if (status) {
                            status.textContent = visible.truncated ? container.dataset.textTruncated : "";
                        }
                    }).catch(function () { /* keep the markers shown */ });
                }, 250);
            });
        })
        .catch(showError);
})();
