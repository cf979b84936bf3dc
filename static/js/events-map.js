/* The agenda's map: markers of upcoming dates, read from the page's GeoJSON route.
   No tile server is reachable, so the map has no background; the list beside it is the
   accessible equivalent and holds the same events. Strings come translated from data-*
   attributes; nothing from the data is inserted as HTML. */
(function () {
    "use strict";

    var container = document.getElementById("events-map");
    if (!container || !window.L || !window.fetch) {
        return;
    }
    var lang = document.documentElement.lang || undefined;

    function formatStart(properties) {
        var start = new Date(properties.start);
        var options = properties.all_day
            ? { dateStyle: "full", timeZone: properties.time_zone }
            : { dateStyle: "full", timeStyle: "short", timeZone: properties.time_zone };
        try {
            var text = new Intl.DateTimeFormat(lang, options).format(start);
            if (!properties.all_day) {
                var zone = new Intl.DateTimeFormat(lang, {
                    timeZone: properties.time_zone,
                    timeZoneName: "short"
                }).formatToParts(start).filter(function (part) {
                    return part.type === "timeZoneName";
                });
                if (zone.length) {
                    text += " " + zone[0].value;
                }
            }
            return text;
        } catch (error) {
            return properties.start;
        }
    }

    function popupFor(features) {
        var list = document.createElement("ul");
        list.className = "events-map__popup";
        features.forEach(function (feature) {
            var properties = feature.properties;
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = properties.url;
            link.textContent = properties.title;
            item.appendChild(link);
            var when = document.createElement("time");
            when.dateTime = properties.start;
            when.textContent = formatStart(properties);
            item.appendChild(document.createElement("br"));
            item.appendChild(when);
            if (properties.cancelled) {
                var status = document.createElement("strong");
                status.textContent = " " + container.dataset.textCancelled;
                item.appendChild(status);
            }
            list.appendChild(item);
        });
        return list;
    }

    function showError() {
        var message = document.createElement("p");
        message.className = "events-map__error";
        message.textContent = container.dataset.textError;
        container.replaceWith(message);
    }

    fetch(container.dataset.source, { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
            if (!response.ok) {
                throw new Error(response.status);
            }
            return response.json();
        })
        .then(function (collection) {
            // One marker per place: the dates of a series share their event's coordinates.
            var places = new Map();
            collection.features.forEach(function (feature) {
                var key = feature.geometry.coordinates.join(",");
                if (!places.has(key)) {
                    places.set(key, []);
                }
                places.get(key).push(feature);
            });
            if (!places.size) {
                return;
            }
            container.hidden = false;
            container.setAttribute("role", "region");
            container.setAttribute("aria-label", container.dataset.label);
            var tiles = container.dataset.tiles;
            var map = L.map(container, { attributionControl: Boolean(tiles), scrollWheelZoom: false });
            if (tiles) {
                // A tile server configured by MAP_TILE_URL; without one, markers only.
                L.tileLayer(tiles, { attribution: container.dataset.attribution, maxZoom: 19 }).addTo(map);
            }
            var markers = [];
            places.forEach(function (features) {
                var coordinates = features[0].geometry.coordinates;
                var marker = L.marker([coordinates[1], coordinates[0]], {
                    title: features[0].properties.venue || features[0].properties.title,
                    alt: features[0].properties.venue || features[0].properties.title,
                    keyboard: true
                });
                marker.bindPopup(popupFor(features));
                markers.push(marker);
            });
            var group = L.featureGroup(markers).addTo(map);
            map.fitBounds(group.getBounds(), { padding: [40, 40], maxZoom: 11 });
        })
        .catch(showError);
})();
