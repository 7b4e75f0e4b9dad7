// The SØM workbench's browser script. It holds the draft (the scenario's TOML text), sends each
// change to the server (POST /api/workbench) and swaps in the fragments that come back: every
// word, number and table is rendered by the server from the same views as the terminal and the
// report. A newer answer always wins (each request has a number; older answers are dropped).
"use strict";

(function () {
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;
  const lang = document.body.dataset.lang || "da";
  const t = (da, en) => (lang === "en" ? en : da);

  async function api(method, url, body, headers) {
    const h = Object.assign({ "X-CSRF-Token": csrf() }, headers || {});
    const r = await fetch(url, { method, headers: h, body, credentials: "same-origin" });
    return r;
  }

  function status(text, kind) {
    const s = document.getElementById("status");
    if (!s) return;
    s.textContent = text;
    s.className = "status " + (kind || "");
  }

  // ----- Beregninger (the list) ----------------------------------------------------------------
  document.addEventListener("click", async (ev) => {
    const b = ev.target.closest("button[data-action]");
    if (!b || document.getElementById("wb")) return;
    const a = b.dataset.action;
    if (a === "delete") {
      if (!confirm(b.dataset.confirm)) return;
      const r = await api("DELETE", "/api/scenarios/" + encodeURIComponent(b.dataset.name));
      if (r.ok) location.reload(); else status((await r.json()).error, "bad");
    } else if (a === "duplicate") {
      const r = await api("POST", "/api/scenarios/" + encodeURIComponent(b.dataset.name) + "/duplicate");
      if (r.ok) location.reload(); else status((await r.json()).error, "bad");
    } else if (a === "new") {
      const g = document.getElementById("new-group").value;
      const r = await api("POST", "/api/scenarios", JSON.stringify({ target_group: g }), { "Content-Type": "application/json" });
      const j = await r.json();
      if (r.ok) location.href = "/edit/" + encodeURIComponent(j.name) + "?lang=" + lang;
      else status(j.error, "bad");
    }
  });

  // ----- The workbench --------------------------------------------------------------------------
  const wb = document.getElementById("wb");
  if (!wb) return;
  const name = wb.dataset.name;
  const state = {
    toml: document.getElementById("file-toml").value, // the draft
    saved: document.getElementById("file-toml").value, // what is on disk (as far as we know)
    version: wb.dataset.version,
    iv: 0,
    tab: "resultat",
    grid: null,
    seq: 0,
    shown: 0,
    queue: [],
    busy: false,
  };
  const draftKey = "soem-draft:" + location.pathname;

  function remember() {
    try {
      if (state.toml === state.saved) localStorage.removeItem(draftKey);
      else localStorage.setItem(draftKey, JSON.stringify({ base: state.version, toml: state.toml, iv: state.iv }));
    } catch (e) { /* private mode: drafts are not kept */ }
    const dirty = state.toml !== state.saved;
    document.getElementById("save").classList.toggle("dirty", dirty);
    if (dirty) status(t("Ikke gemt", "Not saved"), "dirty");
  }

  function showProblems(problem, editError) {
    document.querySelectorAll("#editor .err").forEach((e) => { e.textContent = ""; });
    document.querySelectorAll("#editor .bad").forEach((e) => e.classList.remove("bad"));
    const box = document.getElementById("problem");
    if (box) { box.hidden = true; box.textContent = ""; }
    const place = (field, msg) => {
      // the input whose field is the longest prefix of the error's field
      let best = null, len = -1;
      document.querySelectorAll("#editor .err[data-for]").forEach((e) => {
        const f = e.dataset.for;
        if (f && field.startsWith(f) && f.length > len) { best = e; len = f.length; }
      });
      if (best) {
        best.textContent = msg;
        const inp = best.parentElement.querySelector("input,select,textarea");
        if (inp) inp.classList.add("bad");
        const d = best.closest("details");
        if (d) d.open = true;
      } else if (box) {
        box.hidden = false;
        box.textContent = msg;
      }
    };
    if (problem) place(problem.field || "", problem.message ? problem.message : problem.error);
    if (problem && box && !problem.field) { box.hidden = false; box.textContent = problem.error; }
    if (editError && editError.at) place(editError.at, editError.message);
  }

  function previews(list) {
    for (const [k, svg] of list || []) {
      const f = document.querySelector('[data-preview="' + k + '"]');
      if (f) f.innerHTML = svg;
    }
  }

  // Sends one recompute; edits apply to the draft in order. Requests are serialised so that an
  // edit always applies to the newest draft; typing in between is coalesced.
  function send(edits, withEditor, fieldOf) {
    state.queue.push({ edits: edits || [], editor: !!withEditor, field: fieldOf });
    pump();
  }

  // `data-idle` on #wb: nothing typed waits, nothing is in flight (browser tests wait for it)
  function idle() {
    if (!state.busy && state.queue.length === 0 && timers.size === 0) wb.dataset.idle = "1";
    else delete wb.dataset.idle;
  }

  async function pump() {
    if (state.busy || state.queue.length === 0) { idle(); return; }
    state.busy = true;
    idle();
    // merge queued requests: all edits in order, the editor if any asked for it
    const batch = state.queue.splice(0, state.queue.length);
    const edits = batch.flatMap((b) => b.edits);
    const editor = batch.some((b) => b.editor);
    const fieldOf = batch.map((b) => b.field).filter(Boolean).pop();
    const seq = ++state.seq;
    const body = { toml: state.toml, edits, name, tab: state.tab, iv: state.iv, lang, editor, grid: state.grid };
    try {
      const r = await fetch("/api/workbench", {
        method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
        body: JSON.stringify(body), credentials: "same-origin",
      });
      const j = await r.json();
      if (!r.ok) { status(j.error || r.statusText, "bad"); return; }
      if (seq < state.shown) return; // a newer answer is on screen already
      state.shown = seq;
      state.toml = j.toml;
      if (j.editor != null) replaceEditor(j.editor);
      document.getElementById("results").innerHTML = j.results;
      const src = document.querySelector("#editor textarea[data-whole]");
      if (src && document.activeElement !== src) src.value = j.toml;
      previews(j.previews);
      document.getElementById("title").textContent = j.title;
      let ee = null;
      if (j.edit_error) ee = { at: fieldOf || "", message: j.edit_error.message };
      showProblems(j.problem, ee);
      remember();
      wb.dataset.ready = String(seq);
    } catch (e) {
      status(t("Serveren svarer ikke: ", "The server does not answer: ") + e, "bad");
    } finally {
      state.busy = false;
      if (state.queue.length) pump(); else idle();
    }
  }

  function replaceEditor(html) {
    const ed = document.getElementById("editor");
    const open = new Set([...ed.querySelectorAll("details[data-screen]")].filter((d) => d.open).map((d) => d.dataset.screen));
    const active = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.path : null;
    ed.innerHTML = html;
    ed.querySelectorAll("details[data-screen]").forEach((d) => { if (open.has(d.dataset.screen)) d.open = true; });
    if (active) {
      const el = ed.querySelector('[data-path="' + CSS.escape(active) + '"]');
      if (el && el.focus) el.focus();
    }
  }

  function editOf(el) {
    const path = JSON.parse(el.dataset.path);
    if (el.dataset.kind === "json") {
      const v = el.type === "radio" ? el.value : el.value;
      return { path, value: JSON.parse(v) };
    }
    if (el.type === "checkbox" && el.dataset.kind === "bool") return { path, value: el.checked };
    let kind = el.dataset.kind;
    if (kind === "note") kind = "text";
    if (kind === "textlist") {
      const items = el.value.split(/[;,]/).map((s) => s.trim()).filter(Boolean);
      return { path, value: items.length ? items : null };
    }
    if (kind === "row") return { path, text: el.value, kind, keys: JSON.parse(el.dataset.keys) };
    return { path, text: el.value, kind };
  }

  // typing: debounced per field
  const timers = new Map();
  wb.dataset.idle = "1";
  wb.addEventListener("input", (ev) => {
    const el = ev.target;
    if (el.matches("textarea[data-whole]")) return; // replaced on change
    if (!el.dataset.path || el.dataset.kind === "json" || el.type === "checkbox") return;
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(() => { timers.delete(el); send([editOf(el)], el.hasAttribute("data-structural"), el.dataset.field); }, 180));
    idle();
  });
  wb.addEventListener("change", (ev) => {
    const el = ev.target;
    if (el.matches("textarea[data-whole]")) { state.toml = el.value; send([], true); return; }
    if (el.dataset.grid) {
      const a = wb.querySelector('[data-grid="a"]').value, b = wb.querySelector('[data-grid="b"]').value;
      state.grid = [a, b];
      send([], false);
      return;
    }
    if (el.dataset.op === "toggle") {
      send([{ path: JSON.parse(el.dataset.path), op: "toggle", value: JSON.parse(el.dataset.json) }], true);
      return;
    }
    if (!el.dataset.path) return;
    if (el.dataset.kind === "json" || el.type === "checkbox" || el.type === "radio") {
      const clears = el.dataset.clear ? JSON.parse(el.dataset.clear).map((path) => ({ path, op: "remove" })) : [];
      send([editOf(el)].concat(clears), true, el.dataset.field);
    } else if (timers.has(el)) {
      clearTimeout(timers.get(el));
      timers.delete(el);
      send([editOf(el)], el.hasAttribute("data-structural"), el.dataset.field);
    }
  });
  wb.addEventListener("click", async (ev) => {
    const el = ev.target.closest("button");
    if (!el) return;
    if (el.dataset.tab) { state.tab = el.dataset.tab; document.getElementById("results").dataset.tab = state.tab; send([], false); return; }
    if (el.dataset.iv !== undefined && !el.dataset.op) { state.iv = Number(el.dataset.iv); send([], true); return; }
    if (el.dataset.op === "append" || el.dataset.op === "remove") {
      if (el.dataset.confirm && !confirm(el.dataset.confirm)) return;
      const e = { path: JSON.parse(el.dataset.path), op: el.dataset.op };
      if (el.dataset.json) e.value = JSON.parse(el.dataset.json);
      if (el.dataset.selectIv !== undefined) state.iv = Number(el.dataset.selectIv);
      send([e], true);
      return;
    }
    if (el.dataset.action === "append") {
      const box = el.closest("[data-append]");
      const fields = [...box.querySelectorAll("[data-key]")].map((f) => ({ key: f.dataset.key.split("."), text: f.value, kind: f.dataset.kind }));
      send([{ path: JSON.parse(box.dataset.append), op: "append", fields }], true);
      return;
    }
    if (el.id === "save") return save(name, state.version);
    if (el.id === "save-as") return saveAs();
    if (el.id === "make-report") return makeReport();
    if (el.dataset.banner === "reload") { try { localStorage.removeItem(draftKey); } catch (e) {} location.reload(); return; }
    if (el.dataset.banner === "save-as") return saveAs();
    if (el.dataset.banner === "discard") { state.toml = state.saved; hideBanner(); send([], true); return; }
  });

  function banner(html) { const b = document.getElementById("banner"); b.innerHTML = html; b.hidden = false; }
  function hideBanner() { const b = document.getElementById("banner"); b.hidden = true; b.innerHTML = ""; }

  async function flush() {
    // pending typing first
    for (const [el, tm] of timers) { clearTimeout(tm); send([editOf(el)], false, el.dataset.field); }
    timers.clear();
    while (state.busy || state.queue.length) await new Promise((r) => setTimeout(r, 20));
  }

  async function save(target, version) {
    await flush();
    const headers = { "Content-Type": "application/toml" };
    if (version) headers["If-Match"] = '"' + version + '"';
    const r = await api("PUT", "/api/scenarios/" + encodeURIComponent(target), state.toml, headers);
    const j = await r.json();
    if (r.status === 409) {
      banner("<b>" + t("Filen er ændret på disken, siden den blev åbnet.", "The file changed on disk since it was opened.") + "</b> " +
        t("Intet er overskrevet. ", "Nothing was overwritten. ") +
        '<button data-banner="reload" data-testid="conflict-reload">' + t("Genindlæs fra disken (kassér mine ændringer)", "Reload from disk (discard my changes)") + "</button> " +
        '<button data-banner="save-as" data-testid="conflict-save-as">' + t("Gem mine ændringer som ny fil …", "Save my changes as a new file …") + "</button>");
      status(t("Ikke gemt: konflikt", "Not saved: conflict"), "bad");
      return false;
    }
    if (!r.ok) { status(j.error, "bad"); return false; }
    if (target === name) {
      state.saved = state.toml;
      state.version = j.version;
      wb.dataset.version = j.version;
      hideBanner();
    }
    remember();
    status(j.valid ? t("Gemt", "Saved") : t("Gemt som kladde (beregningen har en fejl)", "Saved as a draft (the calculation has an error)"), j.valid ? "ok" : "dirty");
    return j;
  }

  async function saveAs() {
    const suggestion = name.replace(/\.toml$/, "") + "-2.toml";
    let target = prompt(t("Gem som (filnavn i arbejdsmappen):", "Save as (file name in the workspace):"), suggestion);
    if (!target) return;
    if (!target.endsWith(".toml")) target += ".toml";
    const j = await save(target, null);
    if (j) {
      try { localStorage.removeItem(draftKey); } catch (e) {}
      location.href = "/edit/" + encodeURIComponent(target) + "?lang=" + lang;
    }
  }

  async function makeReport() {
    await flush();
    status(t("Laver rapporten …", "Making the report …"), "");
    const r = await fetch("/api/report?lang=" + lang + "&name=" + encodeURIComponent(name), {
      method: "POST", headers: { "Content-Type": "application/toml", "X-CSRF-Token": csrf() }, body: state.toml, credentials: "same-origin",
    });
    if (!r.ok) { const j = await r.json(); status(j.error, "bad"); return; }
    const page = r.headers.get("X-Report-Url"), zip = r.headers.get("X-Report-Zip");
    const box = document.getElementById("report-links");
    box.innerHTML = "<b>" + t("Rapporten er klar:", "The report is ready:") + "</b> " +
      '<a href="' + page + '" target="_blank" rel="noopener" data-testid="report-page">' + t("Åbn rapporten", "Open the report") + "</a> · " +
      '<a href="' + zip + '" download="' + name.replace(/\.toml$/, "") + '-rapport.zip" data-testid="report-zip">' + t("Hent som zip", "Download as zip") + "</a>";
    box.hidden = false;
    status(t("Rapport lavet", "Report made"), "ok");
  }

  // a draft left in this browser (the tab was reloaded or closed before saving)
  try {
    const d = JSON.parse(localStorage.getItem(draftKey) || "null");
    if (d && d.toml !== state.saved) {
      state.toml = d.toml;
      state.iv = d.iv || 0;
      const changed = d.base !== state.version;
      // saving checks against the version the draft was made from: a file changed on disk
      // since then is not overwritten silently (the server answers 409)
      state.version = d.base;
      banner("<b>" + t("Ikke-gemte ændringer er gendannet.", "Unsaved changes were restored.") + "</b> " +
        (changed ? t("Filen er ændret på disken siden; at gemme vil spørge. ", "The file has changed on disk since; saving will ask. ") : "") +
        '<button data-banner="discard" data-testid="discard-draft">' + t("Kassér dem", "Discard them") + "</button>");
      send([], true);
    } else {
      wb.dataset.ready = "0";
    }
  } catch (e) { wb.dataset.ready = "0"; }
  window.addEventListener("beforeunload", (ev) => { if (state.toml !== state.saved) { remember(); } });
})();
