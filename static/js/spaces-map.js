/* The meeting spaces' map: one marker per space of the search results, read from the JSON the
   page embeds. The list above it holds the same spaces and is the accessible equivalent.
   Nothing from the data is inserted as HTML. */
(function () {
    "use strict";

    var container = document.getElementById("spaces-map");
    var source = document.getElementById("spaces-map-data");
    if (!container || !source || !window.L || !window.EssaimMap) {
        return;
    }
    var points = JSON.parse(source.textContent);
    if (!points.length) {
        return;
    }
    container.hidden = false; // before the map measures its box
    var map = L.map(container, { maxZoom: 18 });
    // Tiles when MAP_TILE_URL is set, the bundled ground otherwise (basemap.js).
    EssaimMap.ground(map);
    EssaimMap.fullscreen(map, container.dataset.textFullscreen);
    var bounds = [];
    points.forEach(function (point) {
        var link = document.createElement("a");
        link.href = point.url;
        link.textContent = point.name;
        // A space's mark: a door-shaped badge with a house sign (the legend says so).
        var marker = L.marker([point.lat, point.lon], {
            icon: EssaimMap.badge("space", "\u2302", undefined, point.name),
            title: point.name,
            keyboard: true
        });
        marker.bindPopup(link).addTo(map);
        bounds.push([point.lat, point.lon]);
    });
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
    var legend = document.getElementById("spaces-map-legend");
    if (legend) {
        legend.hidden = false;
    }
})();
