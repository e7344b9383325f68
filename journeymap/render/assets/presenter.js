/* The workshop view's presenter mode, for showing the map to a room. "Present" (or P) draws
   the lint findings on the map; the arrow keys step through the stages one at a time, the
   others dimmed (Home shows them all again); + and - zoom, 0 resets; Escape stops. Plain
   DOM, no library; the page works the same without it. Under serve the map's editor shows
   a rebuilt page in place and calls this again for it. */
window.journeymapPresenter = function () {
  "use strict";
  var map = document.querySelector(".jm-map");
  var head = document.querySelector(".jm-workshop-head");
  if (!map || !head) return;
  var root = document.documentElement;
  var heads = Array.prototype.slice.call(map.querySelectorAll(".jm-map-stage[data-stage]"));
  var found = parseInt(map.dataset.findings || "0", 10);
  var on = false, current = -1, zoom = 1;

  var bar = document.createElement("div");
  bar.className = "jm-pm-bar";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "jm-pm-toggle";
  button.textContent = "Present";
  button.setAttribute("aria-pressed", "false");
  button.setAttribute("aria-keyshortcuts", "P");
  var status = document.createElement("span");
  status.className = "jm-pm-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  bar.append(button, status);
  head.append(bar);

  function findings() {
    return found === 1 ? "1 finding on the map" : found + " findings on the map";
  }
  function show() {
    var id = current >= 0 ? heads[current].dataset.stage : null;
    root.classList.toggle("jm-presenting", on);
    button.setAttribute("aria-pressed", String(on));
    map.querySelectorAll("[data-stage]").forEach(function (cell) {
      cell.classList.toggle("jm-pm-dim", on && id !== null && cell.dataset.stage !== id);
      cell.classList.toggle("jm-pm-current", on && id !== null && cell.dataset.stage === id);
    });
    root.style.setProperty("--jm-pm-zoom", String(zoom));
    if (!on) { status.textContent = ""; return; }
    var where = id === null ? "All stages" : "Stage " + (current + 1) + " of " + heads.length +
      ": " + heads[current].querySelector("a").textContent;
    status.textContent = where + " \u00b7 " + findings() + (zoom !== 1 ? " \u00b7 zoom " + Math.round(zoom * 100) + "%" : "");
    if (id !== null) heads[current].scrollIntoView({ block: "nearest", inline: "center" });
  }
  function step(by) {
    current = Math.max(0, Math.min(heads.length - 1, current < 0 ? (by > 0 ? 0 : heads.length - 1) : current + by));
    show();
  }
  button.addEventListener("click", function () { on = !on; show(); });
  document.addEventListener("keydown", function (e) {
    if (!map.isConnected) return;  // a page shown in place since: its own presenter answers
    if (e.ctrlKey || e.metaKey || e.altKey || (e.target.closest && e.target.closest("input, textarea, select, dialog"))) return;
    var key = e.key;
    if (!on) {
      if (key === "p" || key === "P") { on = true; show(); e.preventDefault(); }
      return;
    }
    var handled = true;
    if (key === "ArrowRight" || key === "PageDown") step(1);
    else if (key === "ArrowLeft" || key === "PageUp") step(-1);
    else if (key === "Home") { current = -1; show(); }
    else if (key === "+" || key === "=") { zoom = Math.min(3, zoom * 1.25); show(); }
    else if (key === "-") { zoom = Math.max(0.5, zoom / 1.25); show(); }
    else if (key === "0") { zoom = 1; show(); }
    else if (key === "Escape" || key === "p" || key === "P") { on = false; current = -1; zoom = 1; show(); }
    else handled = false;
    if (handled) e.preventDefault();
  });
};
window.journeymapPresenter();
