/* The meeting spaces' map: one marker per space of the search results, read from the JSON the
   page embeds. The list above it holds the same spaces and is the accessible equivalent.
   Nothing from the data is inserted as HTML. */
(function () {
    "use strict";

    var container = document.getElementById("spaces-map");
    var source = document.getElementById("spaces-map-data");
    if (!container || !source || !window.L) {
        return;
    }
    var points = JSON.parse(source.textContent);
    if (!points.length) {
        return;
    }
    var tiles = container.dataset.tiles;
    var map = L.map(container, { attributionControl: Boolean(tiles) });
    if (tiles) {
        L.tileLayer(tiles, { attribution: container.dataset.attribution, maxZoom: 19 }).addTo(map);
    }
    var bounds = [];
    points.forEach(function (point) {
        var link = document.createElement("a");
        link.href = point.url;
        link.textContent = point.name;
        L.marker([point.lat, point.lon], { title: point.name, alt: point.name })
            .bindPopup(link)
            .addTo(map);
        bounds.push([point.lat, point.lon]);
    });
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
    container.hidden = false;
})();
