// The smsc web inbox: handsets by their latest message, each one's conversation, a search
// box and a detail view of one message, built on the REST API and its event stream.
// Plain browser JavaScript, no framework and no build step. Message text is always set with
// textContent, never as markup.
//
// At volume (a load test leaves 100,000s of messages) nothing is read whole: the server
// pages newest first by cursor (GET /conversations, GET /messages?handset=&order=newest),
// the page asks for more as the user scrolls, and events are applied once per frame.
"use strict";

const API = "/api/v1";
const PAGE = 50; // handsets, messages of a conversation, search results: per request
const THREAD_KEEP = 1000; // messages of the open conversation kept; older ones paged again
const POLL_MS = 2000; // binds and counters
const RETRY_MS = 2000; // event stream reconnect
const SEARCH_DELAY_MS = 200;

const STATE_LABELS = {
  mt: {
    ENROUTE: "sending", DELIVERED: "delivered", EXPIRED: "expired", DELETED: "deleted",
    UNDELIVERABLE: "not delivered", ACCEPTED: "accepted", UNKNOWN: "unknown",
    REJECTED: "rejected", SCHEDULED: "scheduled", SKIPPED: "skipped",
  },
  mo: {
    ENROUTE: "waiting for the app", DELIVERED: "delivered to the app",
    UNDELIVERABLE: "not delivered to the app", EXPIRED: "expired before the app took it",
  },
};
const FINAL = new Set(["DELIVERED", "EXPIRED", "DELETED", "UNDELIVERABLE", "ACCEPTED",
  "UNKNOWN", "REJECTED", "SKIPPED"]);
const COUNTERS = [
  ["smsc_submitted_total", "MT submitted"],
  ["smsc_receipts_total", "receipts"],
  ["smsc_mo_total", "MO injected"],
  ["smsc_delivered_to_esme_total", "delivered to ESMEs"],
  ["smsc_throttled_total", "throttled"],
  ["smsc_queue_depth", "queued now"],
];

const BROADCASTS_SHOWN = 10;
const BROADCAST_LABELS = {
  SCHEDULED: "scheduled", ENROUTE: "broadcasting", EXPIRED: "ended", DELETED: "cancelled",
};

const $ = (id) => document.getElementById(id);
let token = localStorage.getItem("smsc-token") || "";

// -- API ---------------------------------------------------------------------------------

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (token) h.Authorization = "Bearer " + token;
  return h;
}

async function api(method, path, body) {
  const init = { method, headers: headers(body ? { "Content-Type": "application/json" } : {}) };
  if (body) init.body = JSON.stringify(body);
  const resp = await fetch(API + path, init);
  if (resp.status === 401) {
    askToken();
    throw new Error("this server needs an API token");
  }
  const data = resp.status === 204 ? null : await resp.json().catch(() => null);
  if (!resp.ok) throw new Error((data && data.error) || "HTTP " + resp.status);
  return data;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) q.set(k, v);
  return q.toString();
}

function askToken() {
  $("token-box").hidden = false;
  $("token").focus();
}

// -- the model -----------------------------------------------------------------------------

const handsetOf = (m) => (m.direction === "mt" ? m.to : m.from);
const peerOf = (m) => (m.direction === "mt" ? m.from : m.to);
// Cursors are the server's insertion order: a later message has a larger one.
const order = (m) => Number(m.cursor);

// A snapshot must not undo a final state that the event stream already gave.
function newer(held, m) {
  return !(held && held.id === m.id && FINAL.has(held.state) && !FINAL.has(m.state));
}

const model = {
  // handset -> its latest message, for the loaded pages and what arrived since
  conversations: new Map(),
  convNext: null, // cursor of the next (older) page of handsets; null: no more
  convState: "loading", // loading | ready | failed
  shown: PAGE, // handsets rendered
  search: "", // the search box, trimmed
  results: [], // messages whose text contains the search, newest first
  resultsNext: null,
  current: null, // the handset shown
  thread: new Map(), // id -> message of the current handset
  threadNext: null, // cursor of its older messages; null: none
  threadLoading: false,
  unread: new Map(), // handset -> messages arrived while not shown
  epoch: 0, // bumped on reset and on a new search: answers to older requests are dropped
};

function putConversation(last) {
  const h = handsetOf(last);
  const held = model.conversations.get(h);
  if (!held || order(last) > order(held) || (held.id === last.id && newer(held, last))) {
    model.conversations.set(h, last);
  }
}

function sortedConversations() {
  return [...model.conversations.values()].sort((a, b) => order(b) - order(a));
}

function putThread(m) {
  const held = model.thread.get(m.id);
  if (newer(held, m)) model.thread.set(m.id, m);
  if (model.thread.size > THREAD_KEEP) {
    // Keep the newest; the oldest go, to be paged in again on demand.
    const kept = [...model.thread.values()].sort((a, b) => order(b) - order(a));
    for (const gone of kept.slice(THREAD_KEEP)) model.thread.delete(gone.id);
    model.threadNext = kept[THREAD_KEEP - 1].cursor;
  }
}

// Parts of one long message shown as one bubble, in part order.
function bubbles(list) {
  const groups = new Map();
  for (const m of list) {
    const key = m.part_total > 1 && m.concat_ref !== null
      ? [m.direction, m.from, m.to, m.concat_ref, m.part_total].join("|") : m.id;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(m);
  }
  return [...groups.values()].map((parts) => {
    parts.sort((a, b) => a.part_number - b.part_number);
    return parts;
  });
}

// -- loading ---------------------------------------------------------------------------------

async function loadConversations(more) {
  const epoch = model.epoch;
  const before = more ? model.convNext : null;
  if (!more) model.convState = "loading";
  render();
  try {
    const data = await api("GET", "/conversations?" + query({
      limit: PAGE, before, search: model.search || null }));
    if (epoch !== model.epoch) return;
    if (!more) model.conversations.clear();
    for (const c of data.conversations) putConversation(c.last);
    model.convNext = data.next;
    model.convState = "ready";
  } catch (e) {
    if (epoch === model.epoch) model.convState = "failed";
  }
  render();
}

async function loadResults(more) {
  const epoch = model.epoch;
  const text = model.search;
  if (!text) return;
  try {
    const data = await api("GET", "/messages?" + query({ text, order: "newest", limit: PAGE,
      before: more ? model.resultsNext : null }));
    if (epoch !== model.epoch) return;
    model.results = more ? model.results.concat(data.messages) : data.messages;
    model.resultsNext = data.next;
  } catch (e) {
    // the list says what failed; results stay as they were
  }
  render();
}

async function loadThread(more) {
  const handset = model.current;
  if (handset === null || model.threadLoading) return;
  model.threadLoading = true;
  renderThread();
  try {
    const data = await api("GET", "/messages?" + query({ handset, order: "newest",
      limit: PAGE, before: more ? model.threadNext : null }));
    if (handset !== model.current) return;
    if (!more) model.thread.clear();
    for (const m of data.messages) putThread(m);
    model.threadNext = data.next;
  } catch (e) {
    // shown by the connection state; the button stays to try again
  } finally {
    if (handset === model.current) model.threadLoading = false;
  }
  renderThread(more);
}

function reload() {
  model.epoch++;
  loadConversations(false);
  if (model.search) loadResults(false);
  if (model.current !== null) loadThread(false);
}

// -- rendering -----------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("data-") || k.startsWith("aria-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

const clock = (t) => new Date(t * 1000).toLocaleTimeString([], { hour: "2-digit",
  minute: "2-digit", second: "2-digit" });
const stamp = (t) => (t === null || t === undefined ? "" : new Date(t * 1000).toISOString());

function stateLabel(m) {
  return (STATE_LABELS[m.direction] || {})[m.state] || m.state.toLowerCase();
}

let frame = 0;
function render() {
  if (!frame) frame = requestAnimationFrame(() => {
    frame = 0;
    renderList();
    renderThread();
  });
}

function renderList() {
  const list = $("conversations");
  const loading = model.convState === "loading";
  const all = sortedConversations();
  const convs = all.slice(0, model.shown);
  const focused = document.activeElement && document.activeElement.dataset.handset;
  list.replaceChildren(...convs.map((last) => {
    const handset = handsetOf(last);
    const n = model.unread.get(handset) || 0;
    const button = el("button", { type: "button", class: "conv", "data-handset": handset },
      el("span", { class: "conv-who" }, handset),
      n ? el("span", { class: "badge", title: n + " new" }, String(n)) : null,
      el("span", { class: "conv-last" }, (last.direction === "mt" ? "← " : "→ ") +
        (last.text ?? "(binary)")),
      el("time", { class: "conv-time" }, clock(last.submit_time)));
    if (handset === model.current) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => open(handset, true));
    return el("li", {}, button);
  }));
  if (focused) {
    const again = list.querySelector(`[data-handset="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
  list.setAttribute("aria-busy", String(loading));
  if (model.convState === "ready" && !performance.getEntriesByName("inbox:list").length) {
    performance.mark("inbox:list"); // the first list shown: benchmarks/inbox_bench.py reads it
  }
  $("loading").hidden = !loading;
  $("loading").textContent = model.convState === "failed" ? "Could not load the messages."
    : "Loading messages…";
  if (model.convState === "failed") $("loading").hidden = false;
  $("more-conversations").hidden = loading ||
    (all.length <= model.shown && model.convNext === null);
  const searching = model.search !== "";
  $("empty").hidden = loading || searching || all.length > 0;
  $("results").hidden = !searching;
  if (searching) {
    $("results-query").textContent = model.search;
    $("result-messages").replaceChildren(...model.results.map((m) => el("li", {},
      el("button", { type: "button", class: "result", "data-id": m.id },
        el("span", { class: "conv-who" }, handsetOf(m)),
        el("span", { class: "conv-last" }, m.text ?? "(binary)"),
        el("time", { class: "conv-time" }, clock(m.submit_time))))));
    for (const b of $("result-messages").querySelectorAll("button")) {
      b.addEventListener("click", () => openDetail(b.dataset.id));
    }
    $("more-results").hidden = model.resultsNext === null;
  }
  $("no-match").hidden = loading || !searching || all.length > 0 || model.results.length > 0;
}

function renderThread(keepPlace) {
  if (model.current === null) return;
  const scroller = $("thread-scroll");
  const ol = $("messages");
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  const fromBottom = scroller.scrollHeight - scroller.scrollTop;
  const msgs = [...model.thread.values()].sort((a, b) => order(a) - order(b));
  ol.replaceChildren(...bubbles(msgs).map((parts) => {
    const m = parts.at(-1);
    const text = parts.map((p) => p.text ?? "(binary)").join("");
    const incomplete = m.part_total > 1 && parts.length < m.part_total;
    const states = new Set(parts.map((p) => p.state));
    const state = states.size === 1 ? m.state : [...states].find((s) => !FINAL.has(s)) || m.state;
    const shown = Object.assign({}, m, { state });
    const who = m.direction === "mt" ? m.from + " → handset" : "handset → " + m.to;
    const details = el("button", { type: "button", class: "msg-detail", "data-id": parts[0].id,
      title: "The PDU, its fields and TLVs, the state history" }, "Details");
    details.addEventListener("click", () => openDetail(parts[0].id));
    return el("li", { class: "msg " + m.direction, "data-id": m.id,
      "data-direction": m.direction, "data-state": state },
      el("p", { class: "msg-text" }, text),
      el("p", { class: "msg-meta" },
        el("span", {}, who),
        el("time", {}, clock(parts[0].submit_time)),
        m.part_total > 1 ? el("span", {}, parts.length + "/" + m.part_total + " parts" +
          (incomplete ? " (incomplete)" : "")) : null,
        el("span", { class: "state state-" + state.toLowerCase() }, stateLabel(shown) +
          (m.error_code ? " (error " + m.error_code + ")" : "")),
        details));
  }));
  $("more-messages").hidden = model.threadNext === null || model.threadLoading;
  $("thread-loading").hidden = !model.threadLoading;
  ol.setAttribute("aria-busy", String(model.threadLoading));
  if (keepPlace) scroller.scrollTop = scroller.scrollHeight - fromBottom; // older ones above
  else if (atBottom || ol.dataset.for !== model.current) scroller.scrollTop = scroller.scrollHeight;
  ol.dataset.for = model.current;
  if (!replyToEdited) {
    const last = msgs.at(-1);
    if (last) $("reply-to").value = peerOf(last);
  }
}

let replyToEdited = false;

function open(handset, focusReply) {
  if (model.current !== handset) {
    replyToEdited = false;
    model.thread.clear();
    model.threadNext = null;
    model.threadLoading = false;
  }
  model.current = handset;
  model.unread.delete(handset);
  $("thread").hidden = false;
  $("nothread").hidden = true;
  $("thread-title").textContent = handset;
  document.body.classList.add("thread-open");
  if (location.hash !== "#" + handset) history.replaceState(null, "", "#" + handset);
  loadThread(false);
  render();
  if (focusReply) $("reply-text").focus();
}

function close() {
  model.current = null;
  $("thread").hidden = true;
  $("nothread").hidden = false;
  document.body.classList.remove("thread-open");
  history.replaceState(null, "", location.pathname);
  renderList();
  const first = $("conversations").querySelector("button");
  if (first) first.focus();
}

// -- one message in detail ---------------------------------------------------------------------

function table(rows, head) {
  return el("table", { class: "kv" },
    head ? el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h))))
      : null,
    el("tbody", {}, ...rows.map((r) => el("tr", {}, el("th", { scope: "row" }, r[0]),
      ...r.slice(1).map((c) => el("td", {}, c))))));
}

function hexDump(hex) {
  const lines = [];
  for (let i = 0; i < hex.length; i += 32) {
    const chunk = hex.slice(i, i + 32).match(/../g) || [];
    lines.push((i / 2).toString(16).padStart(4, "0") + "  " + chunk.join(" "));
  }
  return lines.join("\n");
}

const show = (v) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));
const hex4 = (n) => "0x" + n.toString(16).padStart(4, "0");

function renderPart(p, total) {
  const d = p.pdu || {};
  const out = [el("h3", {}, total > 1 ? `Part ${p.part_number} of ${total}` : "PDU",
    el("span", { class: "muted" }, " " + p.id + " · " + p.state))];
  out.push(el("pre", { class: "hex", "aria-label": "the PDU in hex" }, hexDump(p.pdu_hex)));
  if (d.error) {
    out.push(el("p", { class: "error" }, d.error));
    return el("section", { class: "part", "data-part": p.part_number }, ...out);
  }
  out.push(table([
    ["command_length", String(d.command_length)],
    ["command_id", (d.command_name || "?") + " (" + "0x" +
      d.command_id.toString(16).padStart(8, "0") + ")"],
    ["command_status", (d.command_status_name || "?") + " (" + d.command_status + ")"],
    ["sequence_number", String(d.sequence_number)],
  ]));
  out.push(el("h4", {}, "Fields"),
    table(Object.entries(d.fields).map(([k, v]) => [k, show(v)]), null));
  out.push(el("h4", {}, "TLVs"), d.tlvs.length
    ? table(d.tlvs.map((t) => [t.name || "(unnamed)", hex4(t.tag), show(t.value), t.hex]),
      ["name", "tag", "value", "octets"])
    : el("p", { class: "muted" }, "none"));
  return el("section", { class: "part", "data-part": p.part_number }, ...out);
}

async function openDetail(id) {
  const dialog = $("detail");
  $("detail-title").textContent = "Message " + id;
  $("detail-body").replaceChildren();
  $("detail-loading").hidden = false;
  $("detail-loading").textContent = "Loading…";
  if (!dialog.open) dialog.showModal();
  dialog.dataset.id = id;
  try {
    const m = await api("GET", "/messages/" + encodeURIComponent(id));
    if (dialog.dataset.id !== id) return;
    $("detail-loading").hidden = true;
    $("detail-title").textContent = (m.direction === "mt" ? "MT " : "MO ") + m.from + " → " +
      m.to;
    $("detail-body").replaceChildren(
      el("p", { class: "detail-text" }, m.text ?? "(binary)"),
      table([
        ["id", m.id], ["direction", m.direction], ["account", m.account || "(none)"],
        ["from", m.from], ["to", m.to], ["state", m.state],
        ["error_code", String(m.error_code)], ["submitted", stamp(m.submit_time)],
        ["done", stamp(m.done_time) || "(not yet)"], ["data_coding", String(m.data_coding)],
        ["esm_class", String(m.esm_class)],
        ["registered_delivery", String(m.registered_delivery)],
        ["parts", `${m.parts.length} of ${m.part_total}` + (m.complete ? "" : " (incomplete)")],
      ]),
      el("h3", {}, "State history"),
      table(m.history.map((h) => [h.state, stamp(h.time), String(h.error_code)]),
        ["state", "time", "error_code"]),
      el("h3", {}, "Receipts"),
      m.receipts.length
        ? el("ul", { class: "receipts" }, ...m.receipts.map((r) => el("li", {},
          r.state + (r.intermediate ? " (intermediate)" : "") + " at " + stamp(r.time))))
        : el("p", { class: "muted" }, m.direction === "mt"
          ? "none queued for the ESME" : "none: an MO has none"),
      ...m.parts.map((p) => renderPart(p, m.part_total)));
  } catch (e) {
    $("detail-loading").textContent = "Could not load it: " + e.message;
  }
}

// -- live updates ----------------------------------------------------------------------------

function setLive(state, text) {
  const live = $("live");
  live.dataset.state = state;
  live.textContent = text;
}

const arrived = []; // events not yet applied: a load run sends thousands a second
let applying = 0;

function onEvent(name, data) {
  if (name === "reset") {
    arrived.length = 0;
    model.conversations.clear();
    model.thread.clear();
    model.threadNext = null;
    model.results = [];
    model.unread.clear();
    model.epoch++;
    render();
    return;
  }
  if (name !== "message") return;
  arrived.push(data);
  if (!applying) applying = requestAnimationFrame(applyArrived);
}

function applyArrived() {
  applying = 0;
  for (const data of arrived.splice(0)) {
    const m = JSON.parse(data);
    const h = handsetOf(m);
    const held = model.conversations.get(h);
    const fresh = !held || order(m) > order(held);
    if (!model.search || h.includes(model.search)) putConversation(m);
    if (h === model.current) putThread(m);
    if (fresh && (h !== model.current || document.hidden)) {
      model.unread.set(h, (model.unread.get(h) || 0) + 1);
    }
  }
  render();
}

// The stream is read with fetch rather than EventSource, which cannot send the token.
async function stream() {
  let loaded = false;
  for (;;) {
    try {
      const resp = await fetch(API + "/events", { headers: headers() });
      if (resp.status === 401) {
        setLive("down", "needs a token");
        askToken();
        return;
      }
      if (!resp.ok || !resp.body) throw new Error("HTTP " + resp.status);
      const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
      setLive("live", "live");
      // Loaded once the stream is open, so that nothing stored in between is missed.
      if (!loaded) {
        reload();
        loaded = true;
      }
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let name = "message";
          const data = [];
          for (const line of frame.split("\n")) {
            if (line.startsWith("event:")) name = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
          }
          if (data.length) onEvent(name, data.join("\n"));
        }
      }
    } catch (e) {
      // fall through to the retry below
    }
    setLive("down", "reconnecting…");
    loaded = false; // events may have been missed: reload after reconnecting
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

function parseMetrics(text) {
  const sums = {};
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const name = line.split(/[{ ]/, 1)[0];
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) sums[name] = (sums[name] || 0) + value;
  }
  return sums;
}

async function poll() {
  try {
    const data = await api("GET", "/binds");
    $("binds").replaceChildren(...(data.binds.length ? data.binds.map((b) =>
      el("li", {}, el("strong", {}, b.system_id || "(binding)"), " ",
        el("span", { class: "muted" }, b.state.replace("bound_", "") + " from " + b.peer +
          (b.outstanding ? ", " + b.outstanding + " awaiting response" : "")))) :
      [el("li", { class: "muted" }, "no ESME bound")]));
    renderBroadcasts((await api("GET", "/broadcasts?limit=" + BROADCASTS_SHOWN)).broadcasts);
    const resp = await fetch("/metrics");
    if (resp.ok) {
      const sums = parseMetrics(await resp.text());
      $("counters").replaceChildren(...COUNTERS.filter(([name]) => name in sums).flatMap(
        ([name, label]) => [el("dt", {}, label), el("dd", {}, String(sums[name]))]));
    }
  } catch (e) {
    // shown by the event stream's state; polling goes on
  }
  setTimeout(poll, POLL_MS);
}

// SMPP 5.0 broadcast_sm from ESMEs bound at 0x50: the latest few, with their state.
function renderBroadcasts(list) {
  $("broadcasts").replaceChildren(...(list.length ? list.map((b) =>
    el("li", { "data-id": b.id, "data-state": b.state },
      el("span", { class: "broadcast-text" }, b.text === null ? "(binary)" : b.text), " ",
      el("span", { class: "state" }, BROADCAST_LABELS[b.state] || b.state.toLowerCase()), " ",
      el("span", { class: "muted" }, "from " + b.from + " to " +
        b.areas.map((a) => a.name === null ? a.format : a.name).join(", ")))) :
    [el("li", { class: "muted" }, "none")]));
}

// -- sending ---------------------------------------------------------------------------------

async function sendMo(from, to, text, errorBox) {
  errorBox.textContent = "";
  try {
    await api("POST", "/mo", { from, to, text });
    return true;
  } catch (e) {
    errorBox.textContent = e.message;
    return false;
  }
}

function enterSends(textarea, form) {
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
}

// "Older ..." buttons load the next page when clicked, or by themselves once scrolled into
// view (infinite scroll).
function pager(button, load) {
  button.addEventListener("click", load);
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && !button.hidden) load();
  }).observe(button);
}

function wire() {
  const reply = $("reply");
  reply.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $("reply-text").value;
    if (!text.trim() || model.current === null) return;
    if (await sendMo(model.current, $("reply-to").value.trim(), text, $("reply-error"))) {
      $("reply-text").value = "";
    }
  });
  enterSends($("reply-text"), reply);
  $("reply-to").addEventListener("input", () => { replyToEdited = true; });
  for (const b of document.querySelectorAll("[data-quick]")) {
    b.addEventListener("click", () => {
      if (model.current !== null) {
        sendMo(model.current, $("reply-to").value.trim(), b.dataset.quick, $("reply-error"));
      }
    });
  }

  const compose = $("compose");
  compose.addEventListener("submit", async (e) => {
    e.preventDefault();
    const from = $("compose-from").value.trim();
    if (await sendMo(from, $("compose-to").value.trim(), $("compose-text").value,
      $("compose-error"))) {
      $("compose-text").value = "";
      open(from, false);
    }
  });
  enterSends($("compose-text"), compose);

  let typing = 0;
  $("search").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      const text = $("search").value.trim();
      if (text === model.search) return;
      model.search = text;
      model.results = [];
      model.resultsNext = null;
      model.shown = PAGE;
      model.epoch++;
      loadConversations(false);
      loadResults(false);
    }, SEARCH_DELAY_MS);
  });
  $("search-form").addEventListener("submit", (e) => e.preventDefault());

  pager($("more-conversations"), () => {
    if (model.convState !== "ready") return;
    model.shown += PAGE;
    if (model.conversations.size < model.shown && model.convNext !== null) {
      loadConversations(true);
    } else {
      render();
    }
  });
  pager($("more-results"), () => loadResults(true));
  pager($("more-messages"), () => loadThread(true));

  $("detail-close").addEventListener("click", () => $("detail").close());
  $("detail").addEventListener("click", (e) => {
    if (e.target === $("detail")) $("detail").close(); // the backdrop
  });
  $("back").addEventListener("click", close);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !$("detail").open && model.current !== null &&
      !$("thread").hidden) close();
  });
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    token = $("token").value;
    localStorage.setItem("smsc-token", token);
    $("token-box").hidden = true;
    stream();
  });
  // A conversation has an address: /#447700900123 (a link, a bookmark, the back button).
  const follow = () => {
    const wanted = decodeURIComponent(location.hash.slice(1));
    if (wanted && wanted !== model.current) open(wanted, false);
  };
  window.addEventListener("hashchange", follow);
  follow();
}

wire();
render();
stream();
poll();
