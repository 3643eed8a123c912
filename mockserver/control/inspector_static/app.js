// mockserver inspector: plain JavaScript over the control plane. Text is always inserted as text (never HTML),
// so nothing a client sent can run in this page. Routes: #/p/<project>/<view>[/<id>].
"use strict";
(() => {
  const KNOWN = new Set(["version", "seed", "clock", "id_counters", "threads", "assistants", "script", "runs",
    "faults", "script_uses"]);
  const MAX_ROWS = 2000;
  const state = { project: null, view: "browse", target: null, doc: null, model: null, index: new Map(),
    feed: null, started: false, selected: null, refreshTimer: null, projects: [] };
  const $ = (sel) => document.querySelector(sel);
  const enc = encodeURIComponent;

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "class") el.className = value;
      else el.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  function notify(text, error) {
    const box = $("#notice");
    box.textContent = text;
    box.className = error ? "notice error" : "notice";
    clearTimeout(notify.timer);
    notify.timer = setTimeout(() => { box.textContent = ""; }, error ? 8000 : 3000);
  }

  // A server off loopback wants its control token: open the page as /__mock__/ui#token=TOKEN once; it is kept
  // for this tab only (sessionStorage) and sent as X-Mockserver-Token, never put in a URL the server sees.
  const TOKEN_KEY = "mockserver-control-token";
  function takeToken() {
    const found = location.hash.match(/^#token=([^&]*)/);
    if (!found) return;
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(found[1]));
    history.replaceState(null, "", `${location.pathname}#/`);
  }
  function authHeaders(extra) {
    const headers = { ...(extra || {}) };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers["X-Mockserver-Token"] = token;
    return headers;
  }
  function errorText(status, text) {
    let body = null;
    try { body = JSON.parse(text); } catch { body = null; }
    const error = body && body.error;
    if (error && error.code === "invalid_control_token") {
      return `${error.message} Open this page as /__mock__/ui#token=TOKEN to use it.`;
    }
    return error ? error.message : `${status} ${text}`;
  }

  async function api(path, options) {
    const response = await fetch(path, { ...(options || {}), headers: authHeaders((options || {}).headers) });
    const text = await response.text();
    if (!response.ok) throw new Error(errorText(response.status, text));
    try { return text ? JSON.parse(text) : null; } catch { return text; }
  }
  const withProject = (path) => `${path}${path.includes("?") ? "&" : "?"}project=${enc(state.project)}`;
  const write = (method, path, body) => api(withProject(path), {
    method, headers: { "Content-Type": "application/json" }, body: body === undefined ? "{}" : JSON.stringify(body),
  });

  const iso = (t) => (t === null || t === undefined ? "–" : new Date(t * 1000).toISOString().replace(".000Z", "Z"));
  const link = (view, id) => `#/p/${enc(state.project || "")}/${view}${id ? "/" + enc(id) : ""}`;
  const objLink = (id, label) => h("a", { href: link("browse", id), class: "mono" }, label || id);
  const rawUrl = (id) => withProject(`/__mock__/ui/api/object/${enc(id)}`);

  // The object's API JSON, fetched when first opened (the export's scenario form is not the wire form).
  function apiJson(id) {
    const pre = h("pre", { class: "json" }, "loading…");
    const details = h("details", { class: "json", "data-json": id }, h("summary", {}, "API JSON"), pre);
    details.addEventListener("toggle", () => {
      if (!details.open || details.dataset.loaded) return;
      details.dataset.loaded = "1";
      api(rawUrl(id)).then((obj) => { pre.textContent = JSON.stringify(obj, null, 2); },
        (err) => { pre.textContent = err.message; });
    });
    return h("div", { class: "actions" }, details,
      h("a", { href: rawUrl(id), target: "_blank", rel: "noopener" }, "open in a new tab"));
  }
  const jsonSection = (value, label) => h("details", { class: "section" }, h("summary", {}, label),
    h("pre", { class: "json" }, JSON.stringify(value, null, 2)));
  const kv = (pairs) => h("dl", { class: "kv" },
    pairs.filter(([, v]) => v !== undefined).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  const badge = (status) => h("span", { class: `badge ${status}` }, status);

  // -- routing ----------------------------------------------------------------------------------------------

  function parseHash() {
    const parts = location.hash.replace(/^#\/?/, "").split("/").map((p) => decodeURIComponent(p));
    if (parts[0] !== "p") return { project: null, view: "browse", id: null };
    return { project: parts[1] || null, view: parts[2] || "browse", id: parts.slice(3).join("/") || null };
  }

  async function route() {
    const wanted = parseHash();
    const previous = state.project;
    state.view = ["browse", "journal", "model", "controls"].includes(wanted.view) ? wanted.view : "browse";
    state.target = wanted.id;
    if (!state.started || (wanted.project && wanted.project !== state.project)) await loadOverview(wanted.project);
    for (const tab of document.querySelectorAll(".tabs a")) {
      tab.setAttribute("href", link(tab.dataset.view));
      tab.setAttribute("aria-selected", String(tab.dataset.view === state.view));
      $(`#view-${tab.dataset.view}`).hidden = tab.dataset.view !== state.view;
    }
    if (!state.started || state.project !== previous) {
      state.started = true;
      connectJournal();
      await loadProject();
    } else render();
    if (state.view === "journal" && state.target) selectRequest(Number(state.target));
  }

  async function loadOverview(wanted) {
    const overview = await api("/__mock__/ui/api/overview");
    state.projects = overview.projects.map((p) => p.name);
    state.project = wanted || state.project || state.projects[0] || null;
    const select = $("#project");
    select.replaceChildren(...state.projects.map((name) => h("option", { value: name }, name)));
    if (state.project && !state.projects.includes(state.project)) {
      select.append(h("option", { value: state.project }, `${state.project} (no state yet)`));
    }
    if (!state.project) select.append(h("option", { value: "" }, "no projects yet"));
    select.value = state.project || "";
    $("#scenario-name").replaceChildren(...overview.scenarios.map((n) => h("option", { value: n }, n)));
    $("#fixtures-dir").textContent = `Scenario names come from ${overview.fixtures_dir}` +
      (overview.scenarios.length ? "" : " (none found there)");
  }

  async function loadProject() {
    if (!state.project || !state.projects.includes(state.project)) {
      state.doc = null; state.model = null; state.index = new Map(); render(); return;
    }
    const doc = await api(withProject("/__mock__/state"));
    const model = await api(withProject("/__mock__/ui/api/model"));
    state.doc = doc; state.model = model; state.index = indexDocument(doc);
    $("#clock").textContent = iso(doc.clock);
    $("#clock").setAttribute("datetime", iso(doc.clock));
    $("#set-time").placeholder = String(doc.clock);
    render();
  }

  function scheduleRefresh() {  // many requests in a burst cost one reload
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(async () => {
      try {
        if (!state.projects.includes(state.project)) await loadOverview(state.project);
        await loadProject();
      } catch (err) { notify(err.message, true); }
    }, 150);
  }

  // -- browse ---------------------------------------------------------------------------------------------

  function indexDocument(doc) {
    const index = new Map();
    for (const t of doc.threads || []) {
      index.set(t.id, { kind: "thread", thread: t, obj: t });
      for (const m of t.messages || []) index.set(m.id, { kind: "message", thread: t, obj: m });
      for (const r of t.runs || []) {
        index.set(r.id, { kind: "run", thread: t, obj: r });
        for (const s of r.steps || []) index.set(s.id, { kind: "step", thread: t, obj: s });
      }
    }
    for (const a of doc.assistants || []) index.set(a.id, { kind: "assistant", obj: a });
    for (const [section, value] of Object.entries(doc)) {
      if (KNOWN.has(section) || !Array.isArray(value)) continue;
      value.forEach((item, i) => {
        for (const found of objectsIn(item)) {
          if (!index.has(found.id)) index.set(found.id, { kind: "generic", section, item, obj: found, position: i });
        }
      });
    }
    return index;
  }

  function* objectsIn(value) {  // every object with an id inside a section item (a conversation and its items)
    if (Array.isArray(value)) { for (const v of value) yield* objectsIn(v); return; }
    if (!value || typeof value !== "object") return;
    if (typeof value.id === "string") yield value;
    for (const v of Object.values(value)) yield* objectsIn(v);
  }
  const itemLabel = (item) => {
    const first = objectsIn(item).next().value;
    return first ? first.id : JSON.stringify(item).slice(0, 40);
  };

  // Message content in a scenario is a string or a list of parts ({type: "text", text: "..." or {value}}).
  const partText = (c) => (c.type === "text" ? (typeof c.text === "string" ? c.text : c.text.value) : `[${c.type}]`);
  const texts = (message) => (typeof message.content === "string" ? [message.content]
    : (message.content || []).map(partText));
  const firstText = (message) => texts(message).join(" ");

  function renderObjects() {
    const nav = $("#objects");
    const doc = state.doc;
    if (!doc) { nav.replaceChildren(h("p", { class: "muted pad" }, "No project selected.")); return; }
    const current = state.target && state.index.get(state.target);
    const currentTop = current && (current.thread ? current.thread.id : current.kind === "generic"
      ? itemLabel(current.item) : current.obj.id);
    const entry = (id, label, small) => h("a", { href: link("browse", id), "aria-current": String(id === currentTop) },
      label, small ? h("small", {}, " ", small) : null);
    const parts = [entry("", "Overview")];
    parts[0].setAttribute("href", link("browse"));
    parts[0].setAttribute("aria-current", String(!state.target));
    parts.push(h("h2", {}, `Threads (${(doc.threads || []).length})`));
    for (const t of doc.threads || []) {
      const first = (t.messages || [])[0];
      parts.push(entry(t.id, t.id, first ? `— ${firstText(first).slice(0, 40)}` : "(empty)"));
    }
    parts.push(h("h2", {}, `Assistants (${(doc.assistants || []).length})`));
    for (const a of doc.assistants || []) parts.push(entry(a.id, a.name || a.id, a.name ? a.id : a.model));
    for (const [section, value] of Object.entries(doc)) {
      if (KNOWN.has(section) || !Array.isArray(value)) continue;
      parts.push(h("h2", {}, `${section.replace(/_/g, " ")} (${value.length})`));
      for (const item of value) parts.push(entry(itemLabel(item), itemLabel(item)));
    }
    nav.replaceChildren(...parts);
  }

  function renderDetail() {
    const pane = $("#detail");
    if (!state.doc) {
      pane.replaceChildren(h("h2", {}, "Nothing to show yet"),
        h("p", {}, "Projects appear here after their first request (the OpenAI-Project header, else the API key)."));
      return;
    }
    const found = state.target ? state.index.get(state.target) : null;
    if (state.target && !found) {
      pane.replaceChildren(h("h2", {}, "Not found"), h("p", {}, `No object ${state.target} in ${state.project}.`));
      return;
    }
    const view = !found ? overviewView() : found.thread ? threadView(found.thread)
      : found.kind === "assistant" ? assistantView(found.obj) : genericView(found);
    // A live refresh redraws the view: keep what the reader opened and where they scrolled, so nothing jumps.
    const shown = `${state.project} ${state.target}`;
    const same = pane.dataset.shown === shown;
    const opened = new Set(same ? [...pane.querySelectorAll("details[open]")].map(detailsKey) : []);
    const scroll = pane.scrollTop;
    pane.replaceChildren(...view.flat(Infinity).filter((x) => x));
    pane.dataset.shown = shown;
    for (const details of pane.querySelectorAll("details")) if (opened.has(detailsKey(details))) details.open = true;
    const card = state.target && pane.querySelector(`[data-id="${CSS.escape(state.target)}"]`);
    if (card && card !== pane.firstChild) card.classList.add("target");
    if (same) pane.scrollTop = scroll;
    else if (card && card !== pane.firstChild) card.scrollIntoView({ block: "nearest" });
    else pane.scrollTop = 0;
  }
  const detailsKey = (details) => details.dataset.json || details.querySelector("summary").textContent;

  function overviewView() {
    const doc = state.doc;
    const other = Object.keys(doc).filter((k) => !KNOWN.has(k));
    return [h("h2", {}, `Project ${state.project}`),
      kv([["Clock", iso(doc.clock)], ["Threads", (doc.threads || []).length],
        ["Assistants", (doc.assistants || []).length], ["Script rules", (doc.script || []).length],
        ["Faults", (doc.faults || []).length], ...other.map((k) => [k, Array.isArray(doc[k]) ? doc[k].length : "…"])]),
      ...other.filter((k) => !Array.isArray(doc[k])).map((k) => jsonSection(doc[k], k)),
      jsonSection(doc, "The whole state as a scenario document")];
  }

  function assistantView(a) {
    return [h("h2", {}, a.name || a.id), kv([["id", a.id], ["model", a.model], ["created", iso(a.created_at)],
      ["instructions", a.instructions || "–"], ["tools", (a.tools || []).map((t) => t.function ? t.function.name
        : t.type).join(", ") || "–"]]), apiJson(a.id)];
  }

  function genericView(found) {
    // A section this page has no view for (a surface added later): its entry as collapsible JSON.
    const title = found.obj.object ? `${found.obj.object} ${found.obj.id}` : found.obj.id;
    return [h("h2", {}, title), h("p", { class: "muted" }, `Section ${found.section}`), apiJson(found.obj.id),
      h("details", { class: "section", open: true }, h("summary", {}, "As stored in the scenario document"),
        h("pre", { class: "json" }, JSON.stringify(found.item, null, 2)))];
  }

  function threadView(t) {
    const rules = new Map(((state.model && state.model.answers) || []).map((a) => [a.id, a.rule]));
    return [
      h("h2", { "data-id": t.id }, `Thread ${t.id}`),
      kv([["created", iso(t.created_at)], ["metadata", JSON.stringify(t.metadata || {})]]),
      apiJson(t.id),
      h("h3", {}, `Messages (${(t.messages || []).length})`),
      (t.messages || []).map((m) => h("div", { class: "card", "data-id": m.id },
        h("header", {}, h("span", { class: "role" }, m.role), objLink(m.id), h("span", { class: "muted" }, iso(m.created_at)),
          m.run_id ? h("span", {}, "from ", objLink(m.run_id)) : null, m.status ? badge(m.status) : null),
        texts(m).map((text) => h("p", { class: "msg-text" }, text)),
        apiJson(m.id))),
      h("h3", {}, `Runs (${(t.runs || []).length})`),
      (t.runs || []).map((r) => runView(r, rules)),
    ];
  }

  function runView(run, rules) {
    const rule = rules.has(run.id) ? rules.get(run.id) : undefined;
    const usage = run.usage ? `${run.usage.prompt_tokens} prompt + ${run.usage.completion_tokens} completion = ` +
      `${run.usage.total_tokens}` : "–";
    return h("div", { class: "card", "data-id": run.id },
      h("header", {}, h("strong", {}, "Run"), objLink(run.id), badge(run.status), h("span", { class: "muted" }, run.model)),
      kv([["assistant", run.assistant_id ? objLink(run.assistant_id) : "–"], ["usage", usage],
        ["answered by", rule === undefined ? "–" : rule === null ? "default reply (no rule matched)" : `rule ${rule}`],
        ["last error", run.last_error ? `${run.last_error.code}: ${run.last_error.message}` : undefined]]),
      h("ol", { class: "timeline", "aria-label": "Status timeline" }, timeline(run).map(([t, what]) =>
        h("li", {}, h("span", { class: "mono" }, `+${t - run.created_at}s`), " ", what))),
      h("h4", {}, `Steps (${(run.steps || []).length})`),
      (run.steps || []).map((s) => stepView(s)),
      apiJson(run.id));
  }

  function timeline(run) {
    const events = [[run.created_at, "created (queued)"], [run.started_at, "started (in_progress)"]];
    for (const s of run.steps || []) {
      events.push([s.created_at, `step ${s.id} (${s.type}) created`]);
      if (s.completed_at) events.push([s.completed_at, `step ${s.id} completed`]);
    }
    if (run.required_action) events.push([null, "requires_action: waiting for tool outputs"]);
    for (const key of ["cancelled_at", "failed_at", "completed_at", "incomplete_at"]) {
      if (run[key]) events.push([run[key], key.replace("_at", "")]);
    }
    if (run.expires_at && ["queued", "in_progress", "requires_action"].includes(run.status)) {
      events.push([run.expires_at, "expires"]);
    }
    const known = events.filter(([t]) => typeof t === "number").sort((a, b) => a[0] - b[0]);
    const last = known.length ? known[known.length - 1][0] : run.created_at;
    return [...known, ...events.filter(([t]) => typeof t !== "number").map(([, what]) => [last, what])];
  }

  function stepView(s) {
    const details = s.step_details || {};
    const calls = details.tool_calls || [];
    return h("div", { class: "card", "data-id": s.id },
      h("header", {}, h("strong", {}, s.type === "tool_calls" ? "Tool calls" : "Message creation"), objLink(s.id),
        badge(s.status), s.usage ? h("span", { class: "muted" }, `${s.usage.total_tokens} tokens`) : null),
      details.message_creation ? h("p", {}, "wrote ", objLink(details.message_creation.message_id)) : null,
      calls.map((c) => h("div", { class: "tool" },
        h("strong", {}, c.function ? `${c.function.name}()` : c.type), " ", h("span", { class: "mono muted" }, c.id),
        c.function ? [h("div", {}, "arguments"), h("pre", {}, c.function.arguments),
          h("div", {}, "output"), h("pre", {}, c.function.output === null ? "(not yet submitted)" : c.function.output)]
          : h("pre", {}, JSON.stringify(c, null, 2)))),
      apiJson(s.id));
  }

  // -- journal --------------------------------------------------------------------------------------------

  function journalParams() {
    const form = $("#journal-filters");
    const params = new URLSearchParams();
    if (!form.all_projects.checked && state.project) params.set("project", state.project);
    for (const name of ["method", "path_contains", "status"]) if (form[name].value) params.set(name, form[name].value);
    return params;
  }

  // The stream is read with fetch rather than EventSource: fetch can send the control token header (a server
  // off loopback wants one) and Last-Event-ID, and a page that stops reading closes the connection.
  function connectJournal() {
    if (state.feed) state.feed.abort();
    const feed = new AbortController();
    state.feed = feed;
    $("#journal tbody").replaceChildren();
    readJournal(feed, journalParams()).catch((err) => { if (!feed.signal.aborted) notify(err.message, true); });
  }

  function setLive(mode, text) { const live = $("#live"); live.dataset.state = mode; live.textContent = text; }

  async function readJournal(feed, params) {
    let last = null;
    setLive("connecting", "connecting");
    while (!feed.signal.aborted) {
      const extra = { Accept: "text/event-stream" };
      if (last !== null) extra["Last-Event-ID"] = String(last);
      try {
        const response = await fetch(`/__mock__/ui/api/stream?${params}`, { headers: authHeaders(extra), signal: feed.signal });
        if (!response.ok) throw new Error(errorText(response.status, await response.text()));
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
            const event = parseEvent(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
            if (!event) continue;
            if (event.id !== null) last = Number(event.id);
            if (event.name === "closed") { setLive("down", "server stopped"); return; }
            onJournalEvent(event.name, event.data);
          }
        }
      } catch (err) {
        if (feed.signal.aborted) return;
        if (last === null) notify(err.message, true);
      }
      if (feed.signal.aborted) return;
      setLive("connecting", "reconnecting");
      await new Promise((resolve) => { setTimeout(resolve, 1000); });
    }
  }

  function parseEvent(block) {
    let name = "message", id = null;
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) name = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
      else if (line.startsWith("id: ")) id = line.slice(4);
    }
    return data.length ? { name, id, data: JSON.parse(data.join("\n")) } : null;
  }

  function onJournalEvent(name, data) {
    if (name === "ready") setLive("live", "live");
    else if (name === "request") {
      addRow(data);
      if (data.project === state.project || !state.projects.includes(data.project)) scheduleRefresh();
    } else if (name === "cleared") { $("#journal tbody").replaceChildren(); scheduleRefresh(); }
    else if (name === "dropped") {
      notify(`The page fell behind: ${data.dropped} requests were not shown. Change a filter to reload.`, true);
    }
  }

  function addRow(entry) {
    const scroller = $("#journal-scroll");
    const body = $("#journal tbody");
    const follow = $("#journal-filters").follow.checked;
    const row = h("tr", { tabindex: "0", "data-index": entry.index, "aria-selected": String(entry.index === state.selected),
      onclick: () => openRequest(entry.index), onkeydown: (e) => { if (e.key === "Enter") openRequest(entry.index); } },
    h("td", {}, entry.index), h("td", {}, entry.method),
    h("td", { title: entry.path + (entry.query ? "?" + entry.query : "") }, entry.path + (entry.query ? "?" + entry.query : "")),
    h("td", {}, h("span", { class: `badge s${String(entry.status)[0]}` }, entry.status)),
    h("td", {}, entry.duration_ms === null ? "–" : entry.duration_ms.toFixed(1)),
    h("td", { title: entry.project }, entry.project), h("td", { title: entry.request_id }, entry.request_id));
    body.append(row);
    if (body.rows.length > MAX_ROWS) {  // rows have a fixed height: keep what is on screen where it is
      const height = body.rows[0].getBoundingClientRect().height;
      body.rows[0].remove();
      if (!follow) scroller.scrollTop -= height;
    }
    if (follow) scroller.scrollTop = scroller.scrollHeight;
  }

  function openRequest(index) { location.hash = link("journal", String(index)); }

  async function selectRequest(index) {
    state.selected = index;
    for (const row of document.querySelectorAll("#journal tbody tr")) {
      row.setAttribute("aria-selected", String(Number(row.dataset.index) === index));
    }
    const pane = $("#request-detail");
    try {
      const entry = await api(`/__mock__/ui/api/requests/${index}`);
      pane.replaceChildren(h("h3", {}, `${entry.method} ${entry.path}`),
        kv([["status", entry.status], ["request id", entry.request_id], ["project", entry.project],
          ["query", entry.query || "–"], ["time", entry.duration_ms === null ? "–" : `${entry.duration_ms} ms`]]),
        h("details", {}, h("summary", {}, "Headers (credentials masked)"),
          h("table", { class: "grid" }, Object.entries(entry.headers).map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v))))),
        h("h4", {}, "Body"), h("pre", { class: "json" }, entry.body === null ? "(empty)"
          : typeof entry.body === "string" ? entry.body : JSON.stringify(entry.body, null, 2)));
    } catch (err) {
      pane.replaceChildren(h("p", { class: "muted" }, err.message));
    }
  }

  // -- model ----------------------------------------------------------------------------------------------

  function renderModel() {
    const view = $("#view-model");
    const m = state.model;
    if (!m) { view.replaceChildren(h("p", {}, "No project selected.")); return; }
    const ruleRows = (rules, uses) => rules.map((r, i) => h("tr", {}, h("td", {}, r.name || `script[${i}]`),
      h("td", {}, h("code", {}, JSON.stringify(r.match))), h("td", {}, h("code", {}, JSON.stringify(r.reply))),
      h("td", {}, r.times === null || r.times === undefined ? "∞" : r.times),
      h("td", {}, uses ? uses[r.name || `script[${i}]`] || 0 : "–")));
    const table = (head, rows, empty) => rows.length ? h("table", { class: "grid" },
      h("tr", {}, head.map((x) => h("th", {}, x))), rows) : h("p", { class: "muted" }, empty);
    view.replaceChildren(
      h("h2", {}, "Script rules"),
      table(["rule", "match", "reply", "times", "used"], ruleRows(m.rules, m.uses), "No rules: runs get the default reply."),
      h("h3", {}, "Rules for every project"),
      table(["rule", "match", "reply", "times", "used"], ruleRows(m.global_rules, null), "None."),
      h("h3", {}, "Which rule answered what"),
      table(["object", "id", "thread", "rule"], m.answers.map((a) => h("tr", {}, h("td", {}, a.object),
        h("td", {}, objLink(a.id)), h("td", {}, a.thread_id ? objLink(a.thread_id) : "–"),
        h("td", {}, a.rule === null ? "default reply" : a.rule))), "Nothing answered yet."),
      h("h3", {}, `Misses (${m.misses.length})`),
      table(["where", "message (with the closest rules)"], m.misses.map((x) => {
        const id = x.run_id || x.response_id || x.id;
        return h("tr", {}, h("td", {}, id ? objLink(id) : x.surface || "–"), h("td", {}, x.message));
      }), "No misses."),
      h("h3", {}, "Model settings"), kv(Object.entries(m.settings).map(([k, v]) => [k, JSON.stringify(v)])));
  }

  // -- controls -------------------------------------------------------------------------------------------

  async function renderControls() {
    if (!state.project) return;
    const faults = (await api(withProject("/__mock__/faults"))).data;
    $("#faults").replaceChildren(faults.length ? h("table", { class: "grid" },
      h("tr", {}, ["owner", "method", "path", "effect", "seen", "fired", "remaining"].map((x) => h("th", {}, x))),
      faults.map((f) => h("tr", {}, h("td", {}, f.project === null ? "every project" : f.project),
        h("td", {}, JSON.stringify(f.method)), h("td", {}, f.path),
        h("td", {}, f.status ? `status ${f.status}` : f.drop ? "drop" : f.cut_stream_after !== undefined && f.cut_stream_after !== null
          ? `cut after ${f.cut_stream_after}` : `latency ${f.latency_ms} ms`),
        h("td", {}, f.seen), h("td", {}, f.fired), h("td", {}, f.remaining === null ? "∞" : f.remaining))))
      : h("p", { class: "muted" }, "No faults."));
  }

  async function control(action, done) {
    if (!state.project) { notify("Select a project first (projects appear after their first request).", true); return; }
    try {
      await action();
      notify(done);
      await loadProject();
    } catch (err) { notify(err.message, true); }
  }

  function render() {
    renderObjects();
    renderDetail();
    renderModel();
    if (state.view === "controls") renderControls().catch((err) => notify(err.message, true));
  }

  function wire() {
    window.addEventListener("hashchange", () => route().catch((err) => notify(err.message, true)));
    $("#project").addEventListener("change", (e) => { location.hash = `#/p/${enc(e.target.value)}/${state.view}`; });
    $("#journal-filters").addEventListener("change", (e) => { if (e.target.name !== "follow") connectJournal(); });
    $("#journal-filters").addEventListener("submit", (e) => { e.preventDefault(); connectJournal(); });
    $("#reset").addEventListener("click", () => control(() => write("POST", "/__mock__/reset"), `Reset ${state.project}.`));
    // An empty field is a mistake, not 0 (which would set the clock to 1970): the server judges everything else.
    const seconds = (id) => {
      const raw = $(id).value.trim();
      if (!/^\d+$/.test(raw)) throw new Error(`Enter a whole number of seconds (got "${raw}").`);
      return Number(raw);
    };
    $("#advance").addEventListener("click", () => control(() => write("POST", "/__mock__/clock",
      { advance: seconds("#advance-seconds") }), "Clock advanced."));
    $("#set-clock").addEventListener("click", () => control(() => write("POST", "/__mock__/clock",
      { set: seconds("#set-time") }), "Clock set."));
    $("#load-scenario").addEventListener("click", () => control(() => write("POST", "/__mock__/scenario",
      { name: $("#scenario-name").value, reset: $("#scenario-reset").checked }), "Scenario loaded."));
    $("#add-fault").addEventListener("click", () => control(async () => {
      let fault;
      try { fault = JSON.parse($("#fault-json").value); } catch (err) { throw new Error(`Not JSON: ${err.message}`); }
      await write("POST", "/__mock__/faults", fault);
    }, "Fault added."));
    $("#download").addEventListener("click", () => control(async () => {
      const doc = await api(withProject("/__mock__/state"));
      const blob = new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: "application/json" });
      const url = URL.createObjectURL(blob);
      const anchor = h("a", { href: url, download: `${state.project}.scenario.json`, hidden: true });
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }, "State downloaded as a scenario file."));
    $("#clear-faults").addEventListener("click", () => control(() => write("DELETE", "/__mock__/faults"), "Faults cleared."));
  }

  takeToken();
  wire();
  route().catch((err) => notify(err.message, true));
})();
