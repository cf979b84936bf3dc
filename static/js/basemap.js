/* The ground under every map of the site, and the controls they share.

   Use it after vendor/leaflet/leaflet.js, both loaded with `defer`:

       <div id="my-map" data-tiles="{{ map_tiles }}" data-attribution="{{ map_attribution }}"></div>
       var map = L.map("my-map");
       EssaimMap.ground(map);               // tiles, or the bundled layer
       EssaimMap.fullscreen(map, "Full screen");   // optional: a full-screen button

   EssaimMap.ground(map, options) adds one of two grounds and returns the layer group:
   - a tile server, when MAP_TILE_URL is set: its URL in `options.tiles` or in the data-tiles
     attribute of the map's element or of an ancestor (data-attribution beside it);
   - otherwise a light vector layer served with our own static files (static/vendor/basemap/:
     Natural Earth land, coastlines, borders and first-level divisions, and the network's
     cities as labels), drawn with Leaflet on a canvas. No other origin is asked anything, so
     the Content-Security-Policy needs nothing more.
   The bundled files are found beside this script (…/js/basemap.js → …/vendor/basemap/),
   or at `options.base` / data-basemap (collectstatic keeps the unhashed names beside the
   hashed ones, so that works in production too). `options.labels: false` leaves the city
   names out. A map made without an attribution control gets one (for the credit).

   EssaimMap.fullscreen(map, label) adds a button (aria-pressed) that shows the map on the
   whole screen with the Fullscreen API, or fills the window with a CSS class where the API
   is missing; Escape leaves.

   EssaimMap.badge(kind, mark, tone, name) makes a marker's L.divIcon: a shape per kind
   ("actor", "event", "space"), a letter or sign, a colour (tone 0-9), and the name that
   screen readers hear. Styles: static/css/essaim.css, "Maps". */
(function () {
    "use strict";

    if (!window.L) {
        return;
    }

    var script = document.currentScript;
    // Hashed names in production (basemap.1a2b3c.js): the folder is what matters.
    var defaultBase = script && script.src
        ? script.src.replace(/js\/basemap(\.[0-9a-f]+)?\.js(\?.*)?$/, "vendor/basemap/")
        : "/static/vendor/basemap/";
    var NATURAL_EARTH = '<a href="https://www.naturalearthdata.com/">Natural Earth</a>';
    // Below this zoom the first-level divisions are not drawn (nor downloaded).
    var ADMIN1_ZOOM = 4;
    // From which zoom a city of each rank (places.geojson) may be labelled.
    var RANK_ZOOM = { 1: 1, 2: 5, 3: 7 };
    var COLOURS = {
        sea: "#c9dde9",
        land: "#f3f0e8",
        networkLand: "#fbfaf6",
        coast: "#8eb0c4",
        border: "#8a8377",
        admin1: "#a9a293"
    };

    var cache = {};

    function getJSON(url) {
        // One download per page, whatever the number of maps.
        if (!cache[url]) {
            cache[url] = fetch(url).then(function (response) {
                if (!response.ok) {
                    throw new Error(url + ": " + response.status);
                }
                return response.json();
            });
        }
        return cache[url];
    }

    function setting(element, name) {
        var holder = element.closest("[data-" + name + "]");
        return holder ? holder.getAttribute("data-" + name) : "";
    }

    function ensureAttribution(map) {
        if (!map.attributionControl) {
            map.attributionControl = L.control.attribution().addTo(map);
        }
        return map.attributionControl;
    }

    function pane(map, name, zIndex) {
        if (!map.getPane(name)) {
            map.createPane(name).style.zIndex = zIndex;
            map.getPane(name).style.pointerEvents = "none";
        }
        return name;
    }

    function tileGround(map, tiles, attribution) {
        ensureAttribution(map);
        return L.layerGroup([
            L.tileLayer(tiles, { attribution: attribution, maxZoom: 19 })
        ]).addTo(map);
    }

    /* City names placed from the most important down; a name that would overlap one
       already placed waits for a closer zoom. */
    function Labels(map, features) {
        this.map = map;
        this.layer = L.layerGroup().addTo(map);
        this.places = features.map(function (feature, index) {
            var coordinates = feature.geometry.coordinates;
            var properties = feature.properties;
            var side = properties.side === "left" ? "left" : "right";
            var element = document.createElement("span");
            element.className = "essaim-place__name";
            element.textContent = properties.name;
            // Placed here as well as in essaim.css: pages without the site's stylesheet (the
            // admin's address picker) still get readable labels. CSSOM styles pass the CSP.
            element.style.position = "absolute";
            element.style.whiteSpace = "nowrap";
            element.style.top = "50%";
            element.style.transform = "translateY(-50%)";
            element.style[side === "left" ? "right" : "left"] = "9px"; // off the dot's other side
            return {
                order: index,
                rank: properties.rank || 3,
                side: side,
                name: properties.name,
                latlng: L.latLng(coordinates[1], coordinates[0]),
                marker: L.marker([coordinates[1], coordinates[0]], {
                    icon: L.divIcon({
                        className: "essaim-place essaim-place--" + side,
                        html: element,
                        iconSize: [6, 6],
                        iconAnchor: [3, 3]
                    }),
                    pane: pane(map, "essaimLabels", 450),
                    interactive: false,
                    keyboard: false
                })
            };
        }).sort(function (a, b) {
            return a.rank - b.rank || a.order - b.order;
        });
        map.on("zoomend moveend resize", this.place, this);
        this.place();
    }

    Labels.prototype.place = function () {
        var map = this.map;
        var zoom = map.getZoom();
        var view = map.getBounds().pad(0.2);
        var taken = [];
        var layer = this.layer;
        this.places.forEach(function (place) {
            var show = zoom >= (RANK_ZOOM[place.rank] || 7) && view.contains(place.latlng);
            if (show) {
                var point = map.latLngToContainerPoint(place.latlng);
                // An estimate of the label's box: 7 px a character at 12 px, plus the dot.
                var width = place.name.length * 7 + 8;
                var box = place.side === "left"
                    ? L.bounds([point.x - width - 4, point.y - 9], [point.x + 4, point.y + 9])
                    : L.bounds([point.x - 4, point.y - 9], [point.x + width + 4, point.y + 9]);
                show = !taken.some(function (other) { return other.intersects(box); });
                if (show) {
                    taken.push(box);
                }
            }
            if (show && !layer.hasLayer(place.marker)) {
                layer.addLayer(place.marker);
            } else if (!show && layer.hasLayer(place.marker)) {
                layer.removeLayer(place.marker);
            }
        });
    };

    function bundledGround(map, base, options) {
        var group = L.layerGroup().addTo(map);
        var container = map.getContainer();
        container.classList.add("essaim-ground");
        container.style.backgroundColor = COLOURS.sea; // also where essaim.css is not loaded
        ensureAttribution(map).addAttribution(NATURAL_EARTH);
        if (map.options.maxZoom === undefined) {
            // Nothing finer than about a kilometre in the bundled files.
            map.setMaxZoom(14);
        }
        var groundPane = pane(map, "essaimGround", 150);
        var renderer = L.canvas({ pane: groundPane, padding: 0.3 });
        var common = { pane: groundPane, renderer: renderer, interactive: false };

        getJSON(base + "land.geojson").then(function (land) {
            L.geoJSON(land, L.extend({
                style: function (feature) {
                    return {
                        fillColor: feature.properties.n ? COLOURS.networkLand : COLOURS.land,
                        fillOpacity: 1,
                        color: COLOURS.coast,
                        weight: 0.8
                    };
                }
            }, common)).addTo(group).bringToBack();
            container.setAttribute("data-ground", "drawn");
        }).catch(function (error) {
            container.setAttribute("data-ground", "failed");
            if (window.console) {
                window.console.error(error);
            }
        });
        getJSON(base + "borders.geojson").then(function (borders) {
            L.geoJSON(borders, L.extend({
                style: { color: COLOURS.border, weight: 0.9, fill: false }
            }, common)).addTo(group);
        }).catch(function () { /* the land alone still reads */ });

        var admin1 = null;
        function divisions() {
            var wanted = map.getZoom() >= ADMIN1_ZOOM;
            if (wanted && !admin1) {
                admin1 = L.layerGroup();
                getJSON(base + "admin1.geojson").then(function (lines) {
                    L.geoJSON(lines, L.extend({
                        style: { color: COLOURS.admin1, weight: 0.7, dashArray: "3 3", fill: false }
                    }, common)).addTo(admin1);
                }).catch(function () { /* borders without divisions */ });
            }
            if (admin1) {
                if (wanted && !group.hasLayer(admin1)) {
                    group.addLayer(admin1);
                } else if (!wanted && group.hasLayer(admin1)) {
                    group.removeLayer(admin1);
                }
            }
        }
        map.on("zoomend", divisions);
        map.whenReady(divisions);

        if (options.labels !== false) {
            getJSON(base + "places.geojson").then(function (places) {
                map.whenReady(function () {
                    group.addLayer(new Labels(map, places.features).layer);
                });
            }).catch(function () { /* a map without names */ });
        }
        return group;
    }

    function ground(map, options) {
        options = options || {};
        var container = map.getContainer();
        var tiles = options.tiles !== undefined ? options.tiles : setting(container, "tiles");
        if (tiles) {
            var attribution = options.attribution !== undefined
                ? options.attribution
                : setting(container, "attribution");
            return tileGround(map, tiles, attribution);
        }
        var base = options.base || setting(container, "basemap") || defaultBase;
        return bundledGround(map, base, options);
    }

    function fullscreen(map, label) {
        var container = map.getContainer();
        var Control = L.Control.extend({
            options: { position: "topleft" },
            onAdd: function () {
                var bar = L.DomUtil.create("div", "leaflet-bar essaim-fullscreen");
                var button = L.DomUtil.create("button", "essaim-fullscreen__button", bar);
                button.type = "button";
                button.title = label;
                button.setAttribute("aria-label", label);
                button.setAttribute("aria-pressed", "false");
                var icon = L.DomUtil.create("span", "essaim-fullscreen__icon", button);
                icon.setAttribute("aria-hidden", "true");
                L.DomEvent.disableClickPropagation(bar);
                L.DomEvent.on(button, "click", toggle);
                this.button = button;
                return bar;
            }
        });
        var control = new Control().addTo(map);

        function isOn() {
            return document.fullscreenElement === container
                || container.classList.contains("essaim-map--fullscreen");
        }

        var madeInert = [];

        function outsideInert(on) {
            // While the map fills the screen, what it covers takes no focus (WCAG 2.4.11):
            // every sibling along the way from the map up to the body is made inert.
            madeInert.forEach(function (element) { element.inert = false; });
            madeInert = [];
            for (var node = container; on && node.parentElement && node !== document.body;
                node = node.parentElement) {
                Array.prototype.forEach.call(node.parentElement.children, function (sibling) {
                    if (sibling !== node && !sibling.inert && sibling.tagName !== "SCRIPT") {
                        sibling.inert = true;
                        madeInert.push(sibling);
                    }
                });
            }
        }

        function update() {
            var on = isOn();
            outsideInert(on);
            control.button.setAttribute("aria-pressed", on ? "true" : "false");
            document.documentElement.classList.toggle(
                "essaim-map-is-fullscreen", container.classList.contains("essaim-map--fullscreen")
            );
            map.invalidateSize();
        }

        function leave() {
            if (document.fullscreenElement === container && document.exitFullscreen) {
                document.exitFullscreen().catch(function () {});
            }
            container.classList.remove("essaim-map--fullscreen");
            update();
        }

        function enter() {
            var native = container.requestFullscreen && document.fullscreenEnabled;
            if (native) {
                container.requestFullscreen().then(update, function () {
                    // Refused (an embedded frame, a policy): fill the window instead.
                    container.classList.add("essaim-map--fullscreen");
                    update();
                });
            } else {
                container.classList.add("essaim-map--fullscreen");
                update();
            }
        }

        function toggle() {
            if (isOn()) {
                leave();
            } else {
                enter();
            }
            control.button.focus();
        }

        document.addEventListener("fullscreenchange", update);
        document.addEventListener("keydown", function (event) {
            // Browsers leave their own full screen on Escape, mostly without telling the page;
            // the CSS one is ours to leave, and so is the browser's when the key reaches us.
            if (event.key === "Escape" && isOn()) {
                leave();
                control.button.focus();
            }
        });
        return control;
    }

    /* A marker's icon that says its kind by a shape and a letter or sign, and by a colour
       (never by the colour alone). `kind`: "actor", "event", "space"; `tone`: 0–9 or
       undefined; `name`: what the marker is called. A screen reader hears the name (the
       mark is hidden from it, the legend explains the marks); the name is the icon's own
       text rather than an aria-label, which would not contain the visible mark. */
    function badge(kind, mark, tone, name) {
        var element = document.createElement("span");
        element.className = "essaim-badge__mark";
        var visible = document.createElement("span");
        visible.setAttribute("aria-hidden", "true");
        visible.textContent = mark;
        element.appendChild(visible);
        if (name) {
            var spoken = document.createElement("span");
            spoken.className = "visually-hidden";
            spoken.textContent = name;
            element.appendChild(spoken);
        }
        return L.divIcon({
            className: "essaim-badge essaim-badge--" + kind + (tone === undefined || tone === null ? "" : " essaim-tone-" + tone),
            html: element,
            iconSize: [28, 28],
            iconAnchor: [14, 14],
            popupAnchor: [0, -14]
        });
    }

    window.EssaimMap = {
        ground: ground,
        fullscreen: fullscreen,
        badge: badge
    };
})();
