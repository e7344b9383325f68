/* The journey map's editor, put in the pages by `journeymap serve` only (never in a build).
   Edits go to /_journeymap/edit as JSON with the server's token in a header; the server
   writes the files, the live server rebuilds and reloads the page. Plain DOM, no library. */
function journeymapEditor() {
  "use strict";
  var meta = document.querySelector('meta[name="journeymap-edit-token"]');
  if (!meta) return;
  var TOKEN = meta.content, API = "/_journeymap/";
  var map = document.querySelector(".jm-map");
  var clientPage = document.querySelector(".jm-client");
  if (!map && !clientPage) return;
  var state = null, journeyId = null, bar, statusEl;
  var on = sessionStorage.getItem("jm-edit") === "on";

  function call(method, path, body) {
    var init = { method: method, headers: { "X-Journeymap-Token": TOKEN }, credentials: "same-origin" };
    if (body) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(API + path, init).then(function (r) {
      return r.json().then(function (data) { data.status = r.status; return data; });
    });
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }
  function say(text, bad) {
    statusEl.textContent = text;
    statusEl.className = "jm-ed-status" + (bad ? " jm-ed-bad" : "");
  }
  function journey() { return state.journeys[journeyId]; }

  /* An edit: sent, then the page waits for the live server's reload. */
  function send(edit, form) {
    if (edit.op !== "undo" && edit.op !== "redo") {
      edit.hash = edit.client ? state.clients[edit.client].hash : journey().hash;
    }
    say("Saving\u2026");
    sessionStorage.setItem("jm-scroll", String(window.scrollY));
    return call("POST", "edit", edit).then(function (answer) {
      if (answer.ok) {
        say("Saved (" + answer.did + "); the map is being redrawn\u2026");
        sessionStorage.setItem("jm-said", "Saved: " + answer.did + ".");  // said again once redrawn
        window.__jmSaved = (window.__jmSaved || 0) + 1;
        clearTimeout(window.__jmFallback);  // reload if no rebuild comes
        window.__jmFallback = setTimeout(function () { location.reload(); }, 60000);
        return answer;
      }
      var text = answer.message || "The change was refused.";
      if (form) showError(form, text);
      say(text, true);
      if (answer.conflict) {
        sessionStorage.setItem("jm-said", text);  // still said once the page has reloaded
        setTimeout(function () { location.reload(); }, 2500);
      }
      return answer;
    }, function () { say("The preview server did not answer: is journeymap serve running?", true); });
  }

  /* ---- the bar: edit mode, undo, redo ---- */
  function makeBar() {
    bar = el("div", { "class": "jm-ed-bar", role: "region", "aria-label": "Map editor" });
    var toggle = el("button", { type: "button", "class": "jm-ed-toggle", "aria-pressed": String(on) },
                    map ? "Edit the map" : "Mark work done");
    toggle.addEventListener("click", function () {
      on = !on;
      sessionStorage.setItem("jm-edit", on ? "on" : "off");
      toggle.setAttribute("aria-pressed", String(on));
      apply();
    });
    var undo = el("button", { type: "button", "class": "jm-ed-undo", "aria-keyshortcuts": "Control+Z" }, "Undo");
    var redo = el("button", { type: "button", "class": "jm-ed-redo", "aria-keyshortcuts": "Control+Y" }, "Redo");
    undo.addEventListener("click", function () { send({ op: "undo" }); });
    redo.addEventListener("click", function () { send({ op: "redo" }); });
    statusEl = el("span", { "class": "jm-ed-status", role: "status", "aria-live": "polite" });
    bar.append(toggle, undo, redo, statusEl);
    var host = map || clientPage.querySelector("h1");
    host.parentNode.insertBefore(bar, host);
    var header = document.querySelector(".navbar.fixed-top, .md-header");  // the theme's own bar
    if (header) bar.style.top = header.offsetHeight + "px";
    document.addEventListener("keydown", function (e) {
      if (!bar.isConnected) return;  // a page shown in place since: its new bar answers
      if (!on || !(e.ctrlKey || e.metaKey) || e.target.closest("input, textarea, select")) return;
      var key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) { e.preventDefault(); undo.click(); }
      else if (key === "y" || (key === "z" && e.shiftKey)) { e.preventDefault(); redo.click(); }
    });
  }
  function apply() {
    document.documentElement.classList.toggle("jm-editing", on);
    bar.querySelector(".jm-ed-undo").disabled = !on || !state.undo;
    bar.querySelector(".jm-ed-redo").disabled = !on || !state.redo;
    if (map) decorateMap(); else decorateClient();
  }

  /* ---- forms ---- */
  function dialog(title) {
    var d = el("dialog", { "class": "jm-ed-dialog", "aria-label": title });
    var f = el("form", { method: "dialog" });
    f.append(el("h2", {}, title), el("p", { "class": "jm-ed-error", role: "alert" }));
    f.addEventListener("input", function () { showError(f, ""); });  // a refusal is of what was sent
    d.append(f);
    document.body.append(d);
    d.addEventListener("close", function () { d.remove(); });
    return f;
  }
  function field(form, label, input) {
    var id = "jm-ed-" + input.name;
    input.id = id;
    var wrap = el("p", { "class": "jm-ed-field" });
    wrap.append(el("label", { "for": id }, label), input);
    form.append(wrap);
    return input;
  }
  function input(name, value, type) {
    var i = el("input", { name: name, type: type || "text" });
    if (type === "checkbox") i.checked = !!value; else i.value = value == null ? "" : value;
    return i;
  }
  function select(name, options, value) {
    var s = el("select", { name: name });
    options.forEach(function (o) {
      var opt = el("option", { value: o[0] }, o[1]);
      if (o[0] === value) opt.selected = true;
      s.append(opt);
    });
    return s;
  }
  function buttons(form, save, extra) {
    var row = el("p", { "class": "jm-ed-buttons" });
    var ok = el("button", { type: "submit", value: "save", "class": "jm-ed-save" }, save);
    var cancel = el("button", { type: "button", value: "cancel" }, "Cancel");
    cancel.addEventListener("click", function () { form.parentNode.close(); });
    row.append(ok, cancel);
    (extra || []).forEach(function (b) { row.append(b); });
    form.append(row);
  }
  function showError(form, text) {
    var p = form.querySelector(".jm-ed-error");
    if (p) p.textContent = text;
  }
  function slug(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "touchpoint";
  }
  function uniqueId(base) {
    var ids = journey().touchpoints, id = base, n = 2;
    while (ids[id]) id = base + "-" + n++;
    return id;
  }

  function touchpointForm(tp, stage) {
    var j = journey(), adding = !tp;
    tp = tp || { id: "", title: "", day: stage.from, owner: Object.keys(j.roles)[0] || "", channel: "", feel: null,
                 emotion: "", description: "", surprise: false, client_visible: false };
    var form = dialog(adding ? "New touchpoint in " + stage.title : "Touchpoint: " + tp.title);
    var title = field(form, "Title", input("title", tp.title));
    title.required = true;
    var id = field(form, "Id (in the file)", input("id", tp.id));
    id.pattern = "[a-z0-9][a-z0-9\\-]*";  // the dash escaped: the pattern is read with the v flag
    var idTouched = !adding;
    id.addEventListener("input", function () { idTouched = true; });
    title.addEventListener("input", function () { if (!idTouched) id.value = uniqueId(slug(title.value)); });
    var day = null;
    if (tp.day != null || adding) {
      day = field(form, "Day (" + (stage ? stage.title + ": " + stage.from + " to " + stage.to : "") + ")", input("day", tp.day, "number"));
    }
    var owners = Object.keys(j.roles).map(function (r) { return [r, j.roles[r] + " (role)"]; })
      .concat(Object.keys(state.people).map(function (p) { return [p, state.people[p]]; }));
    field(form, "Owner", select("owner", owners, tp.owner));
    field(form, "Channel", select("channel", [["", "(none)"]].concat(Object.keys(state.channels).map(function (c) { return [c, state.channels[c]]; })), tp.channel || ""));
    var feel = field(form, "Feel, 1 (upset) to 5 (delighted)", input("feel", tp.feel, "number"));
    feel.min = 1; feel.max = 5;
    field(form, "Emotion (one word)", input("emotion", tp.emotion));
    var desc = el("textarea", { name: "description", rows: "5" });
    desc.value = tp.description || "";
    field(form, "Description", desc);
    field(form, "A surprise (never announced)", input("surprise", tp.surprise, "checkbox"));
    field(form, "The client sees it coming", input("client_visible", tp.client_visible, "checkbox"));
    var extra = [];
    if (!adding) {
      var del = el("button", { type: "button", "class": "jm-ed-delete" }, "Delete\u2026");
      del.addEventListener("click", function () {
        var n = (journey().logged || {})[tp.id] || 0;
        var logs = n ? " The done logs of " + n + " client" + (n === 1 ? "" : "s") + " name it: those entries stay in their files, and journeymap check will point them out." : "";
        if (window.confirm("Delete the touchpoint \u201c" + tp.title + "\u201d?" + logs + " Undo brings it back.")) {
          send({ op: "touchpoint.delete", journey: journeyId, id: tp.id }, form).then(function (a) {
            if (a && a.ok) form.parentNode.close();
          });
        }
      });
      extra.push(del);
    }
    buttons(form, adding ? "Add" : "Save", extra);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var fields = {};
      ["title", "id", "owner", "channel", "emotion", "description"].forEach(function (n) {
        fields[n] = form.elements[n].value;
      });
      fields.description = fields.description ? fields.description.replace(/\s+$/, "") + "\n" : "";
      if (day) fields.day = day.value === "" ? null : parseInt(day.value, 10);
      fields.feel = feel.value === "" ? null : parseInt(feel.value, 10);
      fields.surprise = form.elements.surprise.checked;
      fields.client_visible = form.elements.client_visible.checked;
      if (!adding) {  // only what changed: the rest of the file stays as written
        Object.keys(fields).forEach(function (k) {
          var was = tp[k] == null ? "" : tp[k], now = fields[k] == null ? "" : fields[k];
          if (k === "description" && String(was).replace(/\s+$/, "") === String(now).replace(/\s+$/, "")) delete fields[k];
          else if (String(was) === String(now)) delete fields[k];
        });
        if (!Object.keys(fields).length) { form.parentNode.close(); return; }
      }
      var edit = adding ? { op: "touchpoint.add", journey: journeyId, fields: fields }
        : { op: "touchpoint.set", journey: journeyId, id: tp.id, fields: fields };
      send(edit, form).then(function (a) { if (a && a.ok) form.parentNode.close(); });
    });
    form.parentNode.showModal();
    title.focus();
  }

  function stageForm(stage) {
    var j = journey(), index = j.stages.indexOf(stage), next = j.stages[index + 1];
    var form = dialog("Stage: " + stage.title);
    var title = field(form, "Title", input("title", stage.title));
    field(form, "Aim: what the client should feel", input("feel", stage.feel));
    var set = el("fieldset", { "class": "jm-ed-phases" });
    set.append(el("legend", {}, "Coleman phases"));
    state.phases.forEach(function (p) {
      var label = el("label", {});
      var box = input("phase-" + p, stage.phases.indexOf(p) >= 0, "checkbox");
      box.value = p;
      label.append(box, document.createTextNode(" " + p));
      set.append(label);
    });
    form.append(set);
    var last = null;
    if (next) last = field(form, "Last day (" + next.title + " starts the day after)", input("to", stage.to, "number"));
    buttons(form, "Save");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var fields = {}, phases = state.phases.filter(function (p) { return form.elements["phase-" + p].checked; });
      if (title.value !== stage.title) fields.title = title.value;
      if (form.elements.feel.value !== stage.feel) fields.feel = form.elements.feel.value;
      if (phases.join() !== stage.phases.join()) fields.phases = phases;
      var to = last ? parseInt(last.value, 10) : stage.to;
      var edits = [];
      if (Object.keys(fields).length) edits.push({ op: "stage.set", journey: journeyId, id: stage.id, fields: fields });
      if (to !== stage.to) edits.push({ op: "stage.boundary", journey: journeyId, stage: stage.id, to: to });
      if (!edits.length) { form.parentNode.close(); return; }
      if (edits.length > 1) { showError(form, "Change the names or the boundary, one at a time."); return; }
      send(edits[0], form).then(function (a) { if (a && a.ok) form.parentNode.close(); });
    });
    form.parentNode.showModal();
    title.focus();
  }

  /* ---- the workshop wall's notes: a stage's lanes and the parking lot ---- */
  var PARKING = "";  // the lane select's value for the parking lot
  function noteForm(stage, lane, index) {
    var j = journey(), editing = index != null;
    var notes = lane === PARKING ? j.parking_lot : (stage.lanes[lane] || []);
    var where = lane === PARKING ? "the parking lot" : (j.lanes[lane] || lane) + ", " + stage.title;
    var form = dialog(editing ? "Note: " + where : "New note" + (stage ? " in " + stage.title : ""));
    var options = Object.keys(j.lanes).map(function (l) { return [l, j.lanes[l]]; })
      .concat([[PARKING, "Parking lot (not placed yet)"]]);
    var laneSelect = field(form, "Lane", select("lane", options, lane == null ? Object.keys(j.lanes)[0] : lane));
    if (editing) laneSelect.disabled = true;
    if (!stage) laneSelect.value = PARKING;
    var text = el("textarea", { name: "text", rows: "3" });
    text.value = editing ? notes[index] : "";
    text.required = true;
    field(form, "Note", text);
    var extra = [];
    if (editing) {
      var del = el("button", { type: "button", "class": "jm-ed-delete" }, "Delete");
      del.addEventListener("click", function () {
        send(noteEdit(stage, lane, { action: "delete", index: index }), form).then(function (a) {
          if (a && a.ok) form.parentNode.close();
        });
      });
      extra.push(del);
    }
    buttons(form, editing ? "Save" : "Add", extra);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var now = text.value.replace(/\s+$/, "");
      if (editing && now === notes[index]) { form.parentNode.close(); return; }
      var chosen = editing ? lane : laneSelect.value;
      var edit = noteEdit(chosen === PARKING ? null : stage, chosen,
                          editing ? { action: "set", index: index, text: now } : { action: "add", text: now });
      send(edit, form).then(function (a) { if (a && a.ok) form.parentNode.close(); });
    });
    form.parentNode.showModal();
    (editing ? text : laneSelect).focus();
  }
  function noteEdit(stage, lane, what) {
    var edit = { op: "note", journey: journeyId, action: what.action };
    if (what.index != null) edit.index = what.index;
    if (what.text != null) edit.text = what.text;
    if (stage && lane !== PARKING) { edit.stage = stage.id; edit.lane = lane; }
    return edit;
  }
  function decorateNotes() {
    map.querySelectorAll(".jm-map-notes[data-stage]").forEach(function (cell) {
      var stage = stageOf(cell.dataset.stage), label = journey().lanes[cell.dataset.lane] || cell.dataset.lane;
      var add = el("button", { type: "button", "class": "jm-ed-add-note",
                               "aria-label": "Add a note to " + label + ", " + stage.title }, "+");
      add.addEventListener("click", function (e) { e.stopPropagation(); noteForm(stage, cell.dataset.lane, null); });
      var item = el("li", { "class": "jm-ed-note-item" });  // a list holds only items
      item.append(add);
      cell.append(item);
    });
    var parking = map.querySelector(".jm-map-parking");
    var addParked = el("button", { type: "button", "class": "jm-ed-note-button jm-ed-add-parked" }, "+ Parking lot note");
    addParked.addEventListener("click", function () { noteForm(null, PARKING, null); });
    if (parking) parking.append(addParked);
    else bar.append(addParked);
    map.querySelectorAll(".jm-map-note").forEach(function (n) { n.setAttribute("tabindex", "0"); n.setAttribute("role", "button"); });
  }
  function openNote(n) {
    var cell = n.closest(".jm-map-notes"), index = parseInt(n.dataset.index, 10);
    if (cell) noteForm(stageOf(cell.dataset.stage), cell.dataset.lane, index);
    else noteForm(null, PARKING, index);
  }

  /* ---- the map: +, cards, drags ---- */
  function stageOf(id) { return journey().stages.filter(function (s) { return s.id === id; })[0]; }
  function dayFor(column, y, moving) {
    var stage = stageOf(column.dataset.stage);
    var cards = Array.prototype.filter.call(column.querySelectorAll(".jm-map-card"), function (c) {
      return c.dataset.touchpoint !== moving;
    });
    var before = null, after = null;
    cards.forEach(function (c) {
      var r = c.getBoundingClientRect(), tp = journey().touchpoints[c.dataset.touchpoint];
      if (!tp || tp.day == null) return;
      if (r.top + r.height / 2 < y) before = tp.day; else if (after === null) after = tp.day;
    });
    var low = before === null ? stage.from : before, high = after === null ? stage.to : after;
    if (before === null && after !== null) return Math.max(stage.from, Math.min(after, stage.from));
    if (after === null && before !== null) return Math.min(stage.to, before + 1);  // after the last
    return Math.max(stage.from, Math.min(stage.to, Math.floor((low + high) / 2)));
  }
  function moveCard(id, column, y) {
    var tp = journey().touchpoints[id], target = column.dataset.stage;
    if (tp.day == null) {
      if (target === tp.stage) return;
      return send({ op: "touchpoint.set", journey: journeyId, id: id, fields: { stage: target } });
    }
    var day = dayFor(column, y, id);
    if (day === tp.day) { say("Already on day " + day + "."); return; }
    say("Moving \u201c" + tp.title + "\u201d to day " + day + "\u2026");
    return send({ op: "touchpoint.set", journey: journeyId, id: id, fields: { day: day } });
  }
  // Escape during a drag with the mouse lets go of it: nothing moves, nothing is sent.
  function onEscape(cancel) {
    function key(e) { if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); cancel(); } }
    document.addEventListener("keydown", key, true);
    return function () { document.removeEventListener("keydown", key, true); };
  }
  function dragCard(card, start) {
    var id = card.dataset.touchpoint, ghost = null, moved = false;
    var stop = onEscape(cancel);
    function cancel() {  // Escape, or the browser took the pointer away (pointercancel)
      quit();
      if (ghost) { ghost.remove(); card.classList.remove("jm-ed-dragging"); }
      say("\u201c" + journey().touchpoints[id].title + "\u201d stays where it was.");
    }
    function quit() {
      stop();
      document.removeEventListener("pointermove", move);
      document.removeEventListener("pointerup", up);
      document.removeEventListener("pointercancel", cancel);
      document.querySelectorAll(".jm-ed-over").forEach(function (c) { c.classList.remove("jm-ed-over"); });
    }
    function move(e) {
      if (!moved && Math.abs(e.clientX - start.clientX) + Math.abs(e.clientY - start.clientY) < 6) return;
      if (!moved) { moved = true; ghost = card.cloneNode(true); ghost.className += " jm-ed-ghost"; document.body.append(ghost); card.classList.add("jm-ed-dragging"); }
      ghost.style.left = e.clientX + 8 + "px"; ghost.style.top = e.clientY + 8 + "px";
      document.querySelectorAll(".jm-map-cards").forEach(function (c) { c.classList.remove("jm-ed-over"); });
      var over = document.elementFromPoint(e.clientX, e.clientY);
      var column = over && over.closest(".jm-map-cards, .jm-map-curve, .jm-map-stage");
      if (column) columnAt(column).classList.add("jm-ed-over");
    }
    function up(e) {
      quit();
      if (!moved) { touchpointForm(journey().touchpoints[id], stageOf(card.closest(".jm-map-cards").dataset.stage)); return; }
      ghost.remove(); card.classList.remove("jm-ed-dragging");
      var over = document.elementFromPoint(e.clientX, e.clientY);
      var column = over && over.closest(".jm-map-cards, .jm-map-curve, .jm-map-stage");
      if (column) moveCard(id, columnAt(column), e.clientY);
    }
    document.addEventListener("pointermove", move);
    document.addEventListener("pointerup", up);
    document.addEventListener("pointercancel", cancel);
  }
  function columnAt(cell) {
    return cell.classList.contains("jm-map-cards") ? cell : map.querySelector('.jm-map-cards[data-stage="' + cell.dataset.stage + '"]');
  }
  function feelAt(curve, y) {
    var r = curve.getBoundingClientRect();
    var f = Math.round(5 - 4 * (y - r.top - r.height * 0.14) / (r.height * 0.72));  // map_layout's CURVE_TOP/BOTTOM
    return Math.max(1, Math.min(5, f));
  }
  function dragPoint(point, start) {
    var curve = point.closest(".jm-map-curve"), id = point.dataset.touchpoint, feel = null;
    var shown = [point.textContent, point.style.top];
    point.setPointerCapture && point.setPointerCapture(start.pointerId);
    var stop = onEscape(cancel);
    function cancel() {  // Escape, or the browser took the pointer away (pointercancel)
      quit();
      point.textContent = shown[0]; point.style.top = shown[1];
      say("The feel of \u201c" + journey().touchpoints[id].title + "\u201d is as it was.");
    }
    function quit() {
      stop();
      point.removeEventListener("pointermove", move);
      point.removeEventListener("pointerup", up);
      point.removeEventListener("pointercancel", cancel);
    }
    function move(e) {
      feel = feelAt(curve, e.clientY);
      point.textContent = feel;
      point.style.top = (14 + (5 - feel) * 18) + "%";
    }
    function up() {
      quit();
      if (feel !== null && feel !== journey().touchpoints[id].feel) setFeel(id, feel);
    }
    point.addEventListener("pointermove", move);
    point.addEventListener("pointerup", up);
    point.addEventListener("pointercancel", cancel);
  }
  function setFeel(id, feel) {
    say("Feel of \u201c" + journey().touchpoints[id].title + "\u201d: " + feel + " of 5\u2026");
    return send({ op: "touchpoint.set", journey: journeyId, id: id, fields: { feel: feel } });
  }

  /* ---- a boundary between two stages, dragged across their columns ---- */
  // Inside a column its days run across the middle 80% (map_layout's COLUMN_PAD), as the
  // curve's points do: the day under the pointer is the new last day of the earlier stage.
  function dayAcross(head, stage, x) {
    var r = head.getBoundingClientRect(), inner = r.width * 0.8;
    var f = inner > 0 ? (x - r.left - r.width * 0.1) / inner : 0.5;
    return stage.from + Math.round(Math.max(0, Math.min(1, f)) * (stage.to - stage.from));
  }
  function boundaryHandle(stage, next) {
    var min = stage.from, max = next.to - 1;  // each stage keeps at least a day
    var h = el("span", { "class": "jm-ed-boundary", tabindex: "0", role: "slider",
                         "aria-valuemin": String(min), "aria-valuemax": String(max),
                         "aria-label": "Boundary between " + stage.title + " and " + next.title +
                           ": the last day of " + stage.title + " (arrow keys, then Enter)",
                         title: "Drag to move the boundary between " + stage.title + " and " + next.title });
    var label = el("span", { "class": "jm-ed-boundary-label", "aria-hidden": "true" });
    h.append(el("span", { "aria-hidden": "true" }, "\u2194"), label);
    h.jmStages = [stage, next];
    setBoundary(h, stage.to);
    return h;
  }
  function setBoundary(h, to) {
    var stage = h.jmStages[0], next = h.jmStages[1], crossing = 0;
    to = Math.max(stage.from, Math.min(next.to - 1, to));
    h.jmTo = to;
    h.classList.remove("jm-ed-sent");
    var text = stage.title + " ends on day " + to + ", " + next.title + " starts on day " + (to + 1);
    h.setAttribute("aria-valuenow", String(to));
    h.setAttribute("aria-valuetext", text);
    h.querySelector(".jm-ed-boundary-label").textContent = "day " + to + " | " + (to + 1);
    [stage, next].forEach(function (s) {
      map.querySelectorAll('.jm-map-cards[data-stage="' + s.id + '"] .jm-map-card').forEach(function (c) {
        var tp = journey().touchpoints[c.dataset.touchpoint];
        var moves = !!tp && tp.day != null && (s === stage ? tp.day > to : tp.day <= to);
        c.classList.toggle("jm-ed-crossing", moves);
        if (moves) crossing++;
      });
    });
    h.classList.toggle("jm-ed-moved", to !== stage.to);
    if (to !== stage.to) say(text + (crossing ? "; " + crossing + " touchpoint" + (crossing > 1 ? "s change" : " changes") + " stage" : "") + ".");
    return to;
  }
  function commitBoundary(h) {
    var stage = h.jmStages[0];
    if (h.jmTo === stage.to) { say(stage.title + " still ends on day " + stage.to + "."); return; }
    h.classList.replace("jm-ed-moved", "jm-ed-sent");  // the label stays until redrawn
    send({ op: "stage.boundary", journey: journeyId, stage: stage.id, to: h.jmTo });
  }
  function dragBoundary(h, start) {
    var stage = h.jmStages[0], next = h.jmStages[1];
    var heads = [stage, next].map(function (s) { return map.querySelector('.jm-map-stage[data-stage="' + s.id + '"]'); });
    var x0 = start.clientX, moved = false;
    h.setPointerCapture && h.setPointerCapture(start.pointerId);
    h.classList.add("jm-ed-dragging-boundary");
    var stop = onEscape(function () { finish(false); say("The boundary is as it was."); });
    function move(e) {
      if (!moved && Math.abs(e.clientX - x0) < 3) return;
      moved = true;
      var split = heads[1].getBoundingClientRect().left;
      var s = e.clientX < split ? 0 : 1;
      setBoundary(h, dayAcross(heads[s], [stage, next][s], e.clientX));
      var lo = heads[0].getBoundingClientRect().left, hi = heads[1].getBoundingClientRect().right;
      h.style.transform = "translateX(" + (Math.max(lo, Math.min(hi, e.clientX)) - x0) + "px)";
    }
    function end(e) { finish(moved && e.type === "pointerup"); }
    function finish(commit) {
      stop();
      h.removeEventListener("pointermove", move);
      h.removeEventListener("pointerup", end);
      h.removeEventListener("pointercancel", end);
      h.classList.remove("jm-ed-dragging-boundary");
      h.style.transform = "";
      if (commit) commitBoundary(h); else setBoundary(h, stage.to);
    }
    h.addEventListener("pointermove", move);
    h.addEventListener("pointerup", end);
    h.addEventListener("pointercancel", end);
  }
  function boundaryKey(h, e) {
    var steps = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, PageDown: -7, PageUp: 7 };
    if (e.key in steps) setBoundary(h, h.jmTo + steps[e.key]);
    else if (e.key === "Home") setBoundary(h, h.jmStages[0].from);
    else if (e.key === "End") setBoundary(h, h.jmStages[1].to - 1);
    else if (e.key === "Enter") commitBoundary(h);
    else if (e.key === "Escape") { setBoundary(h, h.jmStages[0].to); say("The boundary is as it was."); }
    else return;
    e.preventDefault();
  }
  function decorateBoundaries() {
    var stages = journey().stages;
    stages.slice(0, -1).forEach(function (stage, i) {
      var head = map.querySelector('.jm-map-stage[data-stage="' + stage.id + '"]');
      if (head) head.append(boundaryHandle(stage, stages[i + 1]));
    });
  }

  function decorateMap() {
    document.querySelectorAll(".jm-ed-add, .jm-ed-note-button, .jm-ed-note-item, .jm-ed-boundary").forEach(function (b) { b.remove(); });
    map.querySelectorAll(".jm-ed-crossing").forEach(function (c) { c.classList.remove("jm-ed-crossing"); });
    if (!on) {
      map.querySelectorAll(".jm-curve-point[tabindex], .jm-map-note[tabindex]").forEach(function (p) { p.removeAttribute("tabindex"); p.removeAttribute("role"); });
      return;
    }
    decorateNotes();
    decorateBoundaries();
    map.querySelectorAll(".jm-map-stage[data-stage]").forEach(function (head) {
      var stage = stageOf(head.dataset.stage);
      var add = el("button", { type: "button", "class": "jm-ed-add", "aria-label": "Add a touchpoint to " + stage.title,
                               title: "Add a touchpoint to " + stage.title }, "+ Add");
      add.addEventListener("click", function (e) { e.stopPropagation(); touchpointForm(null, stage); });
      var note = el("button", { type: "button", "class": "jm-ed-note-button jm-ed-add-lane", "aria-label": "Add a note to a lane of " + stage.title,
                                title: "Add a sticky note to a lane of " + stage.title }, "+ Note");
      note.addEventListener("click", function (e) { e.stopPropagation(); noteForm(stage, null, null); });
      head.append(add, note);
    });
    map.querySelectorAll(".jm-curve-point").forEach(function (p) {
      var tp = journey().touchpoints[p.dataset.touchpoint];
      if (!tp) return;
      p.setAttribute("tabindex", "0");
      p.setAttribute("role", "slider");
      p.setAttribute("aria-valuemin", "1"); p.setAttribute("aria-valuemax", "5");
      p.setAttribute("aria-valuenow", String(tp.feel));
      p.setAttribute("aria-label", "Feel at " + tp.title + " (arrow keys to change)");
    });
  }
  function wireMap() {
    journeyId = Object.keys(state.journeys).filter(function (j) {
      var tps = state.journeys[j].touchpoints, card = map.querySelector(".jm-map-card");
      return card && tps[card.dataset.touchpoint];
    })[0] || location.pathname.split("/").filter(Boolean).pop();
    if (!state.journeys[journeyId]) return false;
    map.addEventListener("pointerdown", function (e) {
      if (!on || e.button !== 0) return;
      var boundary = e.target.closest(".jm-ed-boundary");
      if (boundary) { e.preventDefault(); dragBoundary(boundary, e); return; }
      var point = e.target.closest(".jm-curve-point");
      if (point) { e.preventDefault(); dragPoint(point, e); return; }
      var card = e.target.closest(".jm-map-card");
      if (card) { e.preventDefault(); dragCard(card, e); }
    });
    map.addEventListener("click", function (e) {
      if (!on) return;
      var stageHead = e.target.closest(".jm-map-stage");
      var card = e.target.closest(".jm-map-card"), note = e.target.closest(".jm-map-note");
      if (note) { e.preventDefault(); openNote(note); return; }
      if (stageHead && e.target.closest("a")) { e.preventDefault(); stageForm(stageOf(stageHead.dataset.stage)); return; }
      if (card) {
        e.preventDefault();
        if (e.detail === 0) touchpointForm(journey().touchpoints[card.dataset.touchpoint], stageOf(card.closest(".jm-map-cards").dataset.stage));
      }
    });
    map.addEventListener("keydown", function (e) {
      if (!on) return;
      var note = e.target.closest(".jm-map-note");
      if (note && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); openNote(note); return; }
      var boundary = e.target.closest(".jm-ed-boundary");
      if (boundary) { boundaryKey(boundary, e); return; }
      var point = e.target.closest(".jm-curve-point");
      if (point && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
        e.preventDefault();
        var tp = journey().touchpoints[point.dataset.touchpoint];
        var feel = Math.max(1, Math.min(5, (tp.feel || 3) + (e.key === "ArrowUp" ? 1 : -1)));
        if (feel !== tp.feel) setFeel(tp.id, feel);
        return;
      }
      var card = e.target.closest(".jm-map-card");
      if (card && e.altKey && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
        e.preventDefault();  // Alt+arrow: the card to the stage before or after
        var stages = journey().stages, here = card.closest(".jm-map-cards").dataset.stage;
        var i = stages.map(function (s) { return s.id; }).indexOf(here) + (e.key === "ArrowLeft" ? -1 : 1);
        if (i < 0 || i >= stages.length) return;
        var t = journey().touchpoints[card.dataset.touchpoint];
        if (t.day == null) send({ op: "touchpoint.set", journey: journeyId, id: t.id, fields: { stage: stages[i].id } });
        else send({ op: "touchpoint.set", journey: journeyId, id: t.id, fields: { day: e.key === "ArrowLeft" ? stages[i].to : stages[i].from } });
      }
    });
    return true;
  }

  /* ---- a client's page: done today, or on a date ---- */
  // Today where the facilitator is: toISOString() gives the UTC date, a day off in the
  // evening west of Greenwich and in the morning east of it.
  function localToday() {
    var d = new Date(), two = function (n) { return String(n).padStart(2, "0"); };
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }
  function decorateClient() {
    clientPage.querySelectorAll(".jm-ed-done").forEach(function (b) { b.remove(); });
    if (!on) return;
    var cid = location.pathname.split("/").filter(Boolean).pop();
    if (!state.clients[cid]) return;
    clientPage.querySelectorAll("tr.jm-row--overdue, tr.jm-row--due").forEach(function (row) {
      var link = row.querySelector('a[href*="#"]');
      if (!link) return;
      var tpId = link.getAttribute("href").split("#").pop(), title = link.textContent;
      // A household's person's occurrence (a birthday of theirs) goes to their own log.
      var person = row.getAttribute("data-person"), whom = row.querySelector(".jm-for-whom");
      var entry = { op: "done.add", client: cid, touchpoint: tpId };
      if (person) entry.person = Number(person);
      if (whom) title += " " + whom.textContent;
      var entryOn = function (date, skipped) {
        var e = Object.assign({}, entry, { date: date });
        if (skipped !== undefined) e.skipped = skipped;
        return e;
      };
      var box = el("span", { "class": "jm-ed-done" });
      var date = el("input", { type: "date", "aria-label": "Done on (date) for " + title });
      date.value = localToday();
      var today = el("button", { type: "button", "class": "jm-ed-done-today" }, "Done today");
      var onDate = el("button", { type: "button", "class": "jm-ed-done-on" }, "Done then");
      today.setAttribute("aria-label", "Mark \u201c" + title + "\u201d done today");
      today.addEventListener("click", function () {
        send(entryOn(localToday()));
      });
      onDate.addEventListener("click", function () {
        if (date.value) send(entryOn(date.value));
      });
      var skip = el("button", { type: "button", "class": "jm-ed-skip" }, "Skipped\u2026");
      skip.setAttribute("aria-label", "Mark \u201c" + title + "\u201d skipped, with the reason");
      skip.addEventListener("click", function () { skipForm(entryOn, title); });
      box.append(today, date, onDate, skip);
      row.lastElementChild.append(box);
    });
  }
  /* Decided against: the log keeps the date and why (`{skipped: date, reason: why}`). */
  function skipForm(entryOn, title) {
    var form = dialog("Skipped: " + title);
    var why = field(form, "Why it was skipped", input("reason", ""));
    why.required = true;
    var when = field(form, "On", input("date", localToday(), "date"));
    when.required = true;
    buttons(form, "Mark skipped");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!why.value.trim()) { showError(form, "Say why it was skipped: that is what the team learns from."); return; }
      send(entryOn(when.value, why.value.trim()), form)
        .then(function (a) { if (a && a.ok) form.parentNode.close(); });
    });
    form.parentNode.showModal();
    why.focus();
  }

  var css = ".jm-ed-bar{position:sticky;top:0;z-index:20;display:flex;gap:.5em;align-items:center;flex-wrap:wrap;padding:.4em .6em;margin:.5em 0;background:#f1f3f5;border:1px solid #adb5bd;border-radius:6px}" +
    ".jm-ed-bar button,.jm-ed-dialog button,.jm-ed-add,.jm-ed-note-button,.jm-ed-done button{font:inherit;padding:.3em .8em;border:1px solid #495057;border-radius:4px;background:#fff;color:#212529;cursor:pointer}" +
    ".jm-ed-toggle[aria-pressed=true]{background:#1c5d99;color:#fff}" +
    ".jm-ed-bar button:disabled{opacity:.5;cursor:default}.jm-ed-status{color:#343a40}.jm-ed-bad{color:#a61e1e;font-weight:600}" +
    ":is(.jm-ed-bar,.jm-ed-dialog,.jm-ed-done) :focus-visible,.jm-ed-add:focus-visible,.jm-ed-note-button:focus-visible,.jm-editing .jm-map :focus-visible{outline:3px solid #e8590c;outline-offset:2px}" +
    ".jm-ed-add,.jm-ed-note-button{display:block;margin:.3em 0 0;font-size:.85em!important;padding:.1em .5em!important}.jm-ed-add-lane{display:inline-block;margin-left:.3em}" +
    ".jm-editing .jm-map-note{cursor:pointer}.jm-ed-note-item{list-style:none;flex:none;margin:0;padding:0;border:0;background:none}.jm-ed-add-note{font:inherit;padding:0 .5em;border:1px solid #495057;border-radius:4px;background:#fff;color:#212529;cursor:pointer}" +
    ".jm-editing .jm-map-card{cursor:grab;touch-action:none}.jm-editing .jm-curve-point{cursor:ns-resize;touch-action:none}" +
    ".jm-ed-over{background:#e7f5ff;outline:2px dashed #1c5d99}" +
    ".jm-editing .jm-map-stage{position:relative}@media (min-width:40em){.jm-editing .jm .jm-map-stage{padding-left:1.1em;padding-right:1.1em}}" +
    ".jm-ed-boundary{position:absolute;z-index:1;top:50%;right:-.75em;width:1.5em;height:2.4em;margin-top:-1.2em;display:flex;align-items:center;justify-content:center;background:#fff;border:1px solid #495057;border-radius:4px;color:#212529;cursor:ew-resize;touch-action:none;user-select:none;font-weight:700}" +
    ".jm-ed-boundary:hover,.jm-ed-dragging-boundary,.jm-ed-boundary.jm-ed-moved,.jm-ed-boundary.jm-ed-sent{background:#1c5d99;color:#fff}" +
    ".jm-ed-boundary-label{display:none;position:absolute;top:100%;left:50%;transform:translateX(-50%);margin-top:.3em;padding:.1em .4em;white-space:nowrap;background:#212529;color:#fff;border-radius:3px;font-weight:400}" +
    ".jm-ed-boundary:focus .jm-ed-boundary-label,.jm-ed-dragging-boundary .jm-ed-boundary-label,.jm-ed-moved .jm-ed-boundary-label,.jm-ed-sent .jm-ed-boundary-label{display:block}" +
    ".jm-ed-crossing{outline:3px dashed #e8590c;outline-offset:-1px}@media (max-width:40em){.jm-ed-boundary{display:none}}" +
    ".jm-ed-dragging{opacity:.4}.jm-ed-ghost{position:fixed;z-index:50;pointer-events:none;width:12em;list-style:none;background:#fff;border:1px solid #495057;padding:.4em;box-shadow:0 4px 12px #0003}" +
    ".jm-ed-dialog::backdrop{background:rgb(33 37 41 / .35)}" +
    ".jm-ed-dialog{max-width:46em;width:90vw;border:1px solid #495057;border-radius:8px}.jm-ed-dialog h2{margin-top:0}" +
    ".jm-ed-field{display:grid;grid-template-columns:12em 1fr;gap:.5em;align-items:center;margin:.4em 0}" +
    ".jm-ed-field input,.jm-ed-field select,.jm-ed-field textarea{font:inherit;padding:.2em}.jm-ed-field input[type=checkbox]{justify-self:start}" +
    ".jm-ed-error{color:#a61e1e;font-weight:600;white-space:pre-wrap}.jm-ed-error:empty{display:none}.jm-ed-phases label{margin-right:.8em;white-space:nowrap}" +
    ".jm-ed-delete{margin-left:auto;color:#a61e1e!important}.jm-ed-buttons{display:flex;gap:.5em}.jm-ed-done{display:flex;flex-wrap:wrap;gap:.3em;margin-top:.3em}.jm-ed-done button,.jm-ed-done input{font-size:.85em!important;padding:.15em .4em!important}";

  var inline = document.getElementById("jm-edit-state");
  return (inline ? Promise.resolve(JSON.parse(inline.textContent)) : call("GET", "state")).then(function (s) {
    if (!s.journeys) return;
    state = s;
    if (map && !wireMap()) {
      // Its journey file does not load (the error banner says why): no editing until it
      // does, and the bar says so rather than vanishing.
      if (document.querySelector("body > .jm-overlay") && !document.querySelector(".jm-ed-bar")) {
        if (!document.getElementById("jm-ed-css")) document.head.append(el("style", { id: "jm-ed-css" }, css));
        var paused = el("div", { "class": "jm-ed-bar jm-ed-paused", role: "region", "aria-label": "Map editor" });
        paused.append(el("span", { "class": "jm-ed-status", role: "status" },
          "Editing is paused: fix the problem shown at the top of the page and save. The map below is the last good version."));
        map.parentNode.insertBefore(paused, map);
      }
      return;
    }
    if (!document.getElementById("jm-ed-css")) document.head.append(el("style", { id: "jm-ed-css" }, css));
    makeBar();
    apply();
    var said = sessionStorage.getItem("jm-said");
    if (said !== null) { sessionStorage.removeItem("jm-said"); say(said); }
    var y = sessionStorage.getItem("jm-scroll");
    if (y !== null) { sessionStorage.removeItem("jm-scroll"); window.scrollTo(0, parseInt(y, 10)); }
    document.documentElement.dataset.jmEditor = "ready";
    // A new mark each time the page is shown anew, reloaded or in place (tests wait on it).
    document.documentElement.dataset.jmShown = Date.now().toString(36) + Math.random().toString(36).slice(2);
  });
}

/* The rebuilt page shown in place of a reload: host/live.py has MkDocs' reload script ask
   this first. No flash, the scroll, the map's own scroll and the focus kept, and an open
   form or a drag in progress is never lost: the new page waits until it is done. Anything
   unexpected (a page of another kind, a failed request) and the page reloads as before. */
(function () {
  var ROOTS = [".jm-journey", ".jm-client", "body.jm-workshop"];
  var busy = false, pending = false, shown = null;

  function root() { return ROOTS.filter(function (r) { return document.querySelector(r); })[0]; }
  // A boundary being chosen (dragged, or with the keys and not yet sent) is in progress too.
  function idle() { return !document.querySelector("dialog.jm-ed-dialog[open], .jm-ed-dragging, .jm-ed-dragging-boundary, .jm-ed-boundary.jm-ed-moved"); }
  // The focused card, point, stage heading or the link inside one, found again by its id.
  function focusKey() {
    var f = document.activeElement;
    var holder = f && f.closest ? f.closest("[data-touchpoint], [data-stage]") : null;
    if (!holder || !holder.classList.length) return null;
    var k = holder.dataset.touchpoint ? "touchpoint" : "stage";
    var key = "." + holder.classList[0] + "[data-" + k + '="' + holder.dataset[k] + '"]';
    return holder === f ? key : key + " " + (f.classList.length ? "." + f.classList[0] : f.tagName.toLowerCase());
  }
  // What a page shows, its scripts left out: the live server's reload script differs at
  // every request, and a page the same but for it is not shown again.
  function shows(node) {
    var copy = node.cloneNode(true);
    copy.querySelectorAll("script").forEach(function (s) { s.remove(); });
    var banner = node.ownerDocument.querySelector("body > .jm-overlay");  // outside the root
    return (banner && !node.contains(banner) ? banner.outerHTML : "") + copy.innerHTML;
  }
  // The error banner (host/overlay) is the body's first child, outside the part swapped.
  function showBanner(doc) {
    var fresh = doc.querySelector("body > .jm-overlay"), old = document.querySelector("body > .jm-overlay");
    if (old && !fresh) old.remove();
    else if (fresh && old) old.replaceWith(document.importNode(fresh, true));
    else if (fresh) document.body.prepend(document.importNode(fresh, true));
  }
  function show(text, sel) {
    var doc = new DOMParser().parseFromString(text, "text/html");
    var fresh = doc.querySelector(sel), old = document.querySelector(sel);
    if (!fresh || !old) throw new Error("not the same kind of page");
    if (shows(fresh) === shown) return null;  // the same page again (the watcher's echo)
    shown = shows(fresh);
    var y = window.scrollY, lefts = Array.prototype.map.call(
      document.querySelectorAll(".jm-map-scroll"), function (m) { return m.scrollLeft; });
    var focused = focusKey(), state = doc.getElementById("jm-edit-state");
    var mine = document.getElementById("jm-edit-state");
    if (state && mine) mine.textContent = state.textContent;
    var node = document.importNode(fresh, true);
    if (sel.indexOf("body") === 0) document.body = node; else { old.replaceWith(node); showBanner(doc); }
    document.title = doc.title;
    document.documentElement.dataset.jmEditor = "";
    if (sel.indexOf("body") === 0 && window.journeymapPresenter) window.journeymapPresenter();
    return (journeymapEditor() || Promise.resolve()).then(function () {
      document.querySelectorAll(".jm-map-scroll").forEach(function (m, i) { m.scrollLeft = lefts[i] || 0; });
      window.scrollTo(window.scrollX, y);
      var again = focused && document.querySelector(focused);
      if (again) again.focus({ preventScroll: true });
    });
  }
  function run() {
    if (busy) return;
    if (!idle()) { setTimeout(run, 250); return; }
    busy = true; pending = false;
    var sel = root();
    fetch(location.href, { cache: "no-store", credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    }).then(function (text) { return show(text, sel); }).then(function () {
      clearTimeout(window.__jmFallback);
      busy = false;
      if (pending) run();
    }).catch(function () { location.reload(); });
  }
  window.journeymapReload = function () {
    if (!busy && (!root() || !document.documentElement.dataset.jmEditor)) return false;
    pending = true;
    run();
    return true;
  };
})();

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", journeymapEditor);
else journeymapEditor();
