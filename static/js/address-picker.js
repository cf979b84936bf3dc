/* The address → point picker (website/widgets.py, AddressPickerWidget).
 *
 * "Find on the map" asks the geocode endpoint (GET ?q=&country=) and puts a marker at the
 * place found, or lists the places when there are several. The marker writes the form's own
 * latitude and longitude inputs (named by data-latitude-name and data-longitude-name), which
 * stay the form's fields: without this script the form sends what was typed, and the server
 * places the address. The marker is dragged with the mouse, or focused and moved with the
 * arrow keys (Shift for larger steps); each move is said in the status region.
 *
 * No inline script (the Content Security Policy forbids them): URLs and translated words come
 * from data-* attributes; nothing from an answer is inserted as HTML. On the site the pickers
 * start when the page is read; in Wagtail's admin also as a Stimulus controller, which starts
 * them wherever they appear.
 */
(function () {
    "use strict";

    // Metropolitan France, before anything is placed.
    var START = { center: [46.6, 2.4], zoom: 5 };
    // How close to look, by what the place found is.
    var ZOOM = { address: 17, street: 16, commune: 13 };
    var PLACED_ZOOM = 16;
    // Arrow keys move the marker by screen pixels: the same feel at every zoom.
    var STEP = 10;
    var BIG_STEP = 50;
    var MOVES = {
        ArrowUp: [0, -1],
        ArrowDown: [0, 1],
        ArrowLeft: [-1, 0],
        ArrowRight: [1, 0]
    };

    function format(template, values) {
        return (template || "").replace(/%\((\w+)\)s/g, function (whole, key) {
            return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
        });
    }

    function capitalised(word) {
        return word ? word.charAt(0).toUpperCase() + word.slice(1) : "";
    }

    function coordinate(text, limit) {
        var value = parseFloat(String(text || "").trim().replace(",", "."));
        return isFinite(value) && Math.abs(value) <= limit ? value : null;
    }

    function Picker(root) {
        var form = root.closest("form");
        var data = root.dataset;
        this.root = root;
        this.data = data;
        this.latitude = form && form.elements.namedItem(data.latitudeName);
        this.longitude = form && form.elements.namedItem(data.longitudeName);
        this.address = root.querySelector("textarea");
        this.mapBox = root.querySelector("[data-address-picker-map]");
        if (!this.latitude || !this.longitude || !this.address || !this.mapBox) {
            return; // nothing to write into: the form stays as it is
        }
        this.status = root.querySelector("[data-address-picker-status]");
        this.findButton = root.querySelector("[data-address-picker-find]");
        this.removeButton = root.querySelector("[data-address-picker-remove]");
        this.choices = root.querySelector("[data-address-picker-choices]");
        this.choiceList = this.choices.querySelector("ul");
        this.marker = null;
        this.searching = false;
        this.writing = false;
        var language = document.documentElement.lang || "fr";
        this.numbers = new Intl.NumberFormat(language, {
            minimumFractionDigits: 5,
            maximumFractionDigits: 5
        });

        root.querySelector(".address-picker__tools").hidden = false;
        this.findButton.hidden = !data.geocodeUrl;
        this.mapBox.hidden = false;
        root.querySelector("[data-address-picker-help]").hidden = false;
        this.startMap();

        this.findButton.addEventListener("click", this.search.bind(this));
        this.removeButton.addEventListener("click", this.clear.bind(this));
        // Coordinates typed by hand move the marker.
        var typed = this.readInputs.bind(this);
        this.latitude.addEventListener("change", typed);
        this.longitude.addEventListener("change", typed);
    }

    Picker.prototype.startMap = function () {
        var ground = window.EssaimMap && typeof window.EssaimMap.ground === "function";
        var tiles = this.data.tiles;
        var map = L.map(this.mapBox, {
            scrollWheelZoom: false,
            attributionControl: Boolean(ground || tiles)
        });
        this.map = map;
        if (ground) {
            window.EssaimMap.ground(map);
        } else if (tiles) {
            L.tileLayer(tiles, { attribution: this.data.attribution, maxZoom: 19 }).addTo(map);
        }
        var saved = this.saved();
        if (saved) {
            map.setView(saved, PLACED_ZOOM);
            this.place(saved);
        } else {
            map.setView(START.center, START.zoom);
        }
        map.on("click", function (event) {
            this.place(event.latlng);
            this.write(event.latlng);
            this.say(this.positionText(event.latlng));
        }, this);
        // A map drawn while hidden (a folded panel, another tab) has no size: measure again.
        if (window.ResizeObserver) {
            new ResizeObserver(function () {
                map.invalidateSize();
            }).observe(this.mapBox);
        }
    };

    Picker.prototype.saved = function () {
        var latitude = coordinate(this.latitude.value, 90);
        var longitude = coordinate(this.longitude.value, 180);
        return latitude === null || longitude === null ? null : L.latLng(latitude, longitude);
    };

    Picker.prototype.say = function (text) {
        this.status.textContent = text;
    };

    Picker.prototype.positionText = function (latlng) {
        return format(this.data.textPosition, {
            latitude: this.numbers.format(latlng.lat),
            longitude: this.numbers.format(latlng.lng)
        });
    };

    Picker.prototype.place = function (latlng, zoom) {
        if (!this.marker) {
            this.marker = L.marker(latlng, {
                draggable: true,
                keyboard: true,
                autoPan: true,
                title: this.data.textMarker,
                alt: this.data.textMarker
            }).addTo(this.map);
            this.marker.on("dragend", function () {
                var moved = this.marker.getLatLng();
                this.write(moved);
                this.say(this.positionText(moved));
            }, this);
            this.marker.getElement().addEventListener("keydown", this.nudge.bind(this));
        } else {
            this.marker.setLatLng(latlng);
        }
        if (zoom) {
            this.map.setView(latlng, zoom);
        } else if (!this.map.getBounds().contains(latlng)) {
            this.map.panTo(latlng);
        }
        this.removeButton.hidden = false;
    };

    Picker.prototype.nudge = function (event) {
        var move = MOVES[event.key];
        if (!move || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        // The marker's keys, not the map's (which would pan) nor the page's (which would scroll).
        event.preventDefault();
        event.stopPropagation();
        var step = event.shiftKey ? BIG_STEP : STEP;
        var map = this.map;
        // In projected pixels, unrounded: a move east or west keeps the latitude exactly.
        var zoom = map.getZoom();
        var point = map.project(this.marker.getLatLng(), zoom);
        var moved = map.unproject(point.add([move[0] * step, move[1] * step]), zoom);
        moved = L.latLng(Math.max(-85, Math.min(85, moved.lat)), moved.lng).wrap();
        this.marker.setLatLng(moved);
        if (!map.getBounds().pad(-0.15).contains(moved)) {
            map.panTo(moved);
        }
        this.write(moved);
        this.say(this.positionText(moved));
    };

    Picker.prototype.write = function (latlng) {
        var wrapped = latlng.wrap();
        this.writing = true;
        this.latitude.value = wrapped.lat.toFixed(6);
        this.longitude.value = wrapped.lng.toFixed(6);
        // Wagtail's admin watches its forms for changes not saved.
        [this.latitude, this.longitude].forEach(function (input) {
            input.dispatchEvent(new Event("input", { bubbles: true }));
            input.dispatchEvent(new Event("change", { bubbles: true }));
        });
        this.writing = false;
    };

    Picker.prototype.readInputs = function () {
        if (this.writing) {
            return;
        }
        var saved = this.saved();
        if (saved) {
            this.place(saved);
        } else if (!this.latitude.value.trim() && !this.longitude.value.trim()) {
            this.removeMarker();
        }
    };

    Picker.prototype.removeMarker = function () {
        if (this.marker) {
            this.marker.remove();
            this.marker = null;
        }
        this.removeButton.hidden = true;
    };

    Picker.prototype.clear = function () {
        this.removeMarker();
        this.writing = true;
        this.latitude.value = "";
        this.longitude.value = "";
        [this.latitude, this.longitude].forEach(function (input) {
            input.dispatchEvent(new Event("input", { bubbles: true }));
            input.dispatchEvent(new Event("change", { bubbles: true }));
        });
        this.writing = false;
        this.say(this.data.textRemoved);
        // The button that had the focus is gone.
        (this.findButton.hidden ? this.address : this.findButton).focus();
    };

    Picker.prototype.search = function () {
        var query = this.address.value.trim();
        if (!query) {
            this.say(this.data.textEmpty);
            this.address.focus();
            return;
        }
        if (this.searching) {
            return;
        }
        this.searching = true;
        this.root.setAttribute("aria-busy", "true");
        this.choices.hidden = true;
        this.say(this.data.textSearching);
        var url = this.data.geocodeUrl;
        url += (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
        if (this.data.country) {
            url += "&country=" + encodeURIComponent(this.data.country);
        }
        var picker = this;
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then(function (response) {
                // An answer that is not JSON (a login page after the session ended) is a failure.
                return response.json().then(function (body) {
                    return { ok: response.ok, body: body || {} };
                });
            })
            .then(function (answer) {
                if (!answer.ok) {
                    picker.say(typeof answer.body.error === "string" ? answer.body.error : picker.data.textFailed);
                    return;
                }
                var results = (answer.body.results || []).filter(function (result) {
                    return coordinate(result.latitude, 90) !== null && coordinate(result.longitude, 180) !== null;
                });
                if (!results.length) {
                    picker.say(picker.data.textNone);
                } else if (results.length === 1) {
                    picker.choose(results[0], false);
                } else {
                    picker.offer(results);
                }
            })
            .catch(function () {
                picker.say(picker.data.textFailed);
            })
            .then(function () {
                picker.searching = false;
                picker.root.removeAttribute("aria-busy");
            });
    };

    Picker.prototype.precisionWord = function (precision) {
        return this.data["textPrecision" + capitalised(precision)] || "";
    };

    Picker.prototype.offer = function (results) {
        var picker = this;
        this.choiceList.replaceChildren();
        results.forEach(function (result) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            var word = picker.precisionWord(result.precision);
            button.type = "button";
            button.className = "address-picker__choice";
            button.textContent = result.label + (word ? " (" + word + ")" : "");
            button.addEventListener("click", function () {
                picker.choose(result, true);
            });
            item.appendChild(button);
            picker.choiceList.appendChild(item);
        });
        this.choices.hidden = false;
        this.say(this.data.textChoose);
    };

    Picker.prototype.choose = function (result, fromList) {
        var latlng = L.latLng(coordinate(result.latitude, 90), coordinate(result.longitude, 180));
        this.choices.hidden = true;
        this.choiceList.replaceChildren();
        this.place(latlng, ZOOM[result.precision] || PLACED_ZOOM);
        this.write(latlng);
        var template = this.data["text" + capitalised(result.precision)] || this.data.textAddress;
        this.say(format(template, { label: result.label }) + " " + this.positionText(latlng));
        if (fromList) {
            // The list that had the focus is gone: the marker, which adjusts the place, has it.
            this.marker.getElement().focus();
        }
    };

    function start(root) {
        if (!root.addressPicker && window.L) {
            root.addressPicker = new Picker(root);
        }
    }

    function startAll() {
        document.querySelectorAll("[data-address-picker]").forEach(start);
    }

    if (window.wagtail && window.wagtail.app && window.StimulusModule) {
        window.wagtail.app.register(
            "essaim-address-picker",
            class extends window.StimulusModule.Controller {
                connect() {
                    start(this.element);
                }
            }
        );
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", startAll);
    } else {
        startAll();
    }
})();
