/* The preview of a message without leaving the page. Without script, the "Preview" button
   sends the form and the page comes back with the preview above it; with script, the same
   request is sent in the background, without the files (they stay chosen in the form), and
   the preview region of the answer replaces this page's. While a preview is shown it follows
   the text, a moment after typing stops. The answer is the server's page: its message is
   sanitised there, and nothing of it runs here (the policy forbids inline scripts anyway). */
(function () {
    "use strict";

    var DELAY = 700;

    function setUp(form) {
        var button = form.querySelector("button[name=preview]");
        var region = form.parentNode.querySelector("[data-preview-region]");
        if (!button || !region || !window.fetch || !window.DOMParser) {
            return;
        }
        var pending = null;
        var timer = null;
        var following = false;

        function send(moveFocus) {
            var data = new FormData(form);
            data.delete("files");
            data.set("preview", "1");
            if (pending) {
                pending.abort();
            }
            pending = new AbortController();
            button.setAttribute("aria-busy", "true");
            fetch(form.action, {
                method: "POST",
                body: data,
                credentials: "same-origin",
                signal: pending.signal
            })
                .then(function (response) {
                    return response.text();
                })
                .then(function (text) {
                    var page = new DOMParser().parseFromString(text, "text/html");
                    var answer = page.querySelector("[data-preview-region]");
                    if (!answer) {
                        throw new Error("no preview in the answer");
                    }
                    region.replaceChildren.apply(
                        region,
                        Array.prototype.map.call(answer.childNodes, function (node) {
                            return document.importNode(node, true);
                        })
                    );
                    following = true;
                    if (moveFocus) {
                        var target = region.querySelector("#preview-title, .error-summary");
                        if (target) {
                            target.focus();
                        }
                    }
                })
                .catch(function (error) {
                    if (error.name !== "AbortError") {
                        // The page's own way still works: send the form as without script.
                        following = false;
                        form.requestSubmit(button);
                    }
                })
                .finally(function () {
                    button.removeAttribute("aria-busy");
                });
        }

        button.addEventListener("click", function (event) {
            event.preventDefault();
            send(true);
        });
        form.addEventListener("input", function (event) {
            if (!following || event.target.type === "file") {
                return;
            }
            window.clearTimeout(timer);
            timer = window.setTimeout(function () {
                send(false);
            }, DELAY);
        });
    }

    Array.prototype.forEach.call(document.querySelectorAll("form[data-preview]"), setUp);
})();
