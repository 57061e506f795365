// Trailboss web UI: htmx settings, the CSRF header, Mermaid rendering, the operation dialog.
(function () {
  "use strict";
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }
  // validation errors (422) and refusals (409) come back as HTML to show in place
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "4..", swap: true, error: false },
    { code: "...", swap: false, error: true }
  ];
  document.body.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrf();
  });
  // Mermaid is large: it is loaded only by pages that show a graph, once
  var mermaidReady = null;
  function withMermaid(then) {
    if (!mermaidReady) {
      mermaidReady = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = "/webjars/mermaid/11.14.0/dist/mermaid.min.js";
        script.onload = function () {
          mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
          resolve();
        };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    mermaidReady.then(then).catch(function () {});
  }
  function drawGraphs(root) {
    if (!root.querySelectorAll) return;
    var nodes = root.querySelectorAll("pre.mermaid:not([data-processed])");
    if (nodes.length) withMermaid(function () { mermaid.run({ nodes: nodes }).catch(function () {}); });
  }
  htmx.onLoad(drawGraphs);
  // "Run…" links open the operation form in the dialog (a plain link to the form page without JavaScript)
  document.body.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest('[data-dialog="open"]');
    if (a) document.getElementById("dialog").showModal();
  });
  // keep the live log scrolled to its end unless the reader scrolled up
  document.body.addEventListener("htmx:sseBeforeMessage", function (e) {
    var log = e.detail.elt;
    if (log && log.classList && log.classList.contains("log")) {
      log.dataset.follow = log.scrollTop + log.clientHeight >= log.scrollHeight - 8 ? "1" : "";
    }
  });
  document.body.addEventListener("htmx:sseMessage", function (e) {
    var log = e.detail.elt;
    if (log && log.classList && log.classList.contains("log") && log.dataset.follow) log.scrollTop = log.scrollHeight;
  });
})();
