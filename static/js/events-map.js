/* The agenda's map: markers of upcoming dates, read from the page's GeoJSON route, on the
   ground that basemap.js draws (tiles when MAP_TILE_URL is set, the bundled layer otherwise).
   A mark is a square with a diamond, or the number of dates at that place, or a cross when
   all of them are cancelled: the legend under the map says so. The list beside it is the
   accessible equivalent and holds the same events. Strings come translated from data-*
   attributes; nothing from the data is inserted as HTML. */
(function () {
    "use strict";

    var container = document.getElementById("events-map");
    if (!container || !window.L || !window.fetch || !window.EssaimMap) {
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
            var map = L.map(container, { scrollWheelZoom: false, maxZoom: 18 });
            EssaimMap.ground(map);
            EssaimMap.fullscreen(map, container.dataset.textFullscreen);
            var markers = [];
            places.forEach(function (features) {
                var coordinates = features[0].geometry.coordinates;
                var name = features[0].properties.venue || features[0].properties.title;
                var cancelled = features.every(function (feature) {
                    return feature.properties.cancelled;
                });
                var icon = cancelled
                    ? EssaimMap.badge("event essaim-badge--event-cancelled", "\u2715", undefined, name)
                    : EssaimMap.badge("event", features.length > 1 ? String(features.length) : "\u25C6", undefined, name);
                var marker = L.marker([coordinates[1], coordinates[0]], {
                    icon: icon,
                    title: name,
                    keyboard: true
                });
                marker.bindPopup(popupFor(features));
                markers.push(marker);
            });
            var legend = document.getElementById("events-map-legend");
            if (legend) {
                legend.hidden = false;
            }
            var group = L.featureGroup(markers).addTo(map);
            map.fitBounds(group.getBounds(), { padding: [40, 40], maxZoom: 11 });
        })
        .catch(showError);
})();
