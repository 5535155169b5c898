// The smsc web inbox: conversations per handset, built on the REST API and its event stream.
// Plain browser JavaScript, no framework and no build step. Message text is always set with
// textContent, never as markup.
"use strict";

const API = "/api/v1";
const PAGE = 1000;
const MAX_PAGES = 20; // bounded initial load: the newest 20 000 messages are plenty here
const POLL_MS = 2000; // binds and counters
const RETRY_MS = 2000; // event stream reconnect

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

const $ = (id) => document.getElementById(id);
const messages = new Map(); // id -> message JSON of the API
const unread = new Map(); // handset -> count of messages arrived while not shown
let current = null; // the handset shown
let replyToEdited = false;
let token = localStorage.getItem("smsc-token") || "";
let loaded = false;

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

function askToken() {
  $("token-box").hidden = false;
  $("token").focus();
}

// -- the model -----------------------------------------------------------------------------

const handsetOf = (m) => (m.direction === "mt" ? m.to : m.from);
const peerOf = (m) => (m.direction === "mt" ? m.from : m.to);

function upsert(m) {
  const held = messages.get(m.id);
  // A snapshot from the list must not undo a final state the event stream already gave.
  if (held && FINAL.has(held.state) && !FINAL.has(m.state)) return false;
  messages.set(m.id, m);
  return !held;
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

function conversations() {
  const by = new Map();
  for (const m of messages.values()) {
    const h = handsetOf(m);
    if (!by.has(h)) by.set(h, []);
    by.get(h).push(m);
  }
  for (const list of by.values()) list.sort((a, b) => a.submit_time - b.submit_time);
  return [...by.entries()].sort((a, b) => b[1].at(-1).submit_time - a[1].at(-1).submit_time);
}

// -- rendering -----------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("data-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) if (c !== null) node.append(c);
  return node;
}

const clock = (t) => new Date(t * 1000).toLocaleTimeString([], { hour: "2-digit",
  minute: "2-digit", second: "2-digit" });

function stateLabel(m) {
  return (STATE_LABELS[m.direction] || {})[m.state] || m.state.toLowerCase();
}

function renderList() {
  const list = $("conversations");
  const convs = conversations();
  const focused = document.activeElement && document.activeElement.dataset.handset;
  list.replaceChildren(...convs.map(([handset, msgs]) => {
    const last = msgs.at(-1);
    const n = unread.get(handset) || 0;
    const button = el("button", { type: "button", class: "conv", "data-handset": handset },
      el("span", { class: "conv-who" }, handset),
      n ? el("span", { class: "badge", title: n + " new" }, String(n)) : null,
      el("span", { class: "conv-last" }, (last.direction === "mt" ? "← " : "→ ") +
        (last.text ?? "(binary)")),
      el("time", { class: "conv-time" }, clock(last.submit_time)));
    if (handset === current) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => open(handset, true));
    return el("li", {}, button);
  }));
  if (focused) {
    const again = list.querySelector(`[data-handset="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
  $("empty").hidden = convs.length > 0;
  $("count").textContent = convs.length ? "(" + convs.length + ")" : "";
}

function renderThread() {
  if (current === null) return;
  const list = conversations().find(([h]) => h === current);
  const msgs = list ? list[1] : [];
  const ol = $("messages");
  const atBottom = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
  ol.replaceChildren(...bubbles(msgs).map((parts) => {
    const m = parts.at(-1);
    const text = parts.map((p) => p.text ?? "(binary)").join("");
    const incomplete = m.part_total > 1 && parts.length < m.part_total;
    const states = new Set(parts.map((p) => p.state));
    const state = states.size === 1 ? m.state : [...states].find((s) => !FINAL.has(s)) || m.state;
    const shown = Object.assign({}, m, { state });
    const who = m.direction === "mt" ? m.from + " → handset" : "handset → " + m.to;
    return el("li", { class: "msg " + m.direction, "data-id": m.id,
      "data-direction": m.direction, "data-state": state },
      el("p", { class: "msg-text" }, text),
      el("p", { class: "msg-meta" },
        el("span", {}, who),
        el("time", {}, clock(parts[0].submit_time)),
        m.part_total > 1 ? el("span", {}, parts.length + "/" + m.part_total + " parts" +
          (incomplete ? " (incomplete)" : "")) : null,
        el("span", { class: "state state-" + state.toLowerCase() }, stateLabel(shown) +
          (m.error_code ? " (error " + m.error_code + ")" : ""))));
  }));
  if (atBottom || ol.dataset.for !== current) ol.scrollTop = ol.scrollHeight;
  ol.dataset.for = current;
  if (!replyToEdited) {
    const last = msgs.at(-1);
    if (last) $("reply-to").value = peerOf(last);
  }
}

function render() {
  renderList();
  renderThread();
}

function open(handset, focusReply) {
  if (current !== handset) replyToEdited = false;
  current = handset;
  unread.delete(handset);
  $("thread").hidden = false;
  $("nothread").hidden = true;
  $("thread-title").textContent = handset;
  document.body.classList.add("thread-open");
  if (location.hash !== "#" + handset) history.replaceState(null, "", "#" + handset);
  render();
  if (focusReply) $("reply-text").focus();
}

function close() {
  current = null;
  $("thread").hidden = true;
  $("nothread").hidden = false;
  document.body.classList.remove("thread-open");
  history.replaceState(null, "", location.pathname);
  renderList();
  const first = $("conversations").querySelector("button");
  if (first) first.focus();
}

// -- live updates ----------------------------------------------------------------------------

function setLive(state, text) {
  const live = $("live");
  live.dataset.state = state;
  live.textContent = text;
}

function onEvent(name, data) {
  if (name === "reset") {
    messages.clear();
    unread.clear();
    render();
    return;
  }
  if (name !== "message") return;
  const m = JSON.parse(data);
  if (upsert(m)) {
    const h = handsetOf(m);
    if (h !== current || document.hidden) unread.set(h, (unread.get(h) || 0) + 1);
  }
  render();
}

// The stream is read with fetch rather than EventSource, which cannot send the token.
async function stream() {
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
      if (!loaded) await load();
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

async function load() {
  const fresh = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const data = await api("GET", `/messages?limit=${PAGE}&offset=${page * PAGE}`);
    fresh.push(...data.messages);
    if (data.messages.length < PAGE) break;
  }
  for (const m of fresh) upsert(m);
  loaded = true;
  render();
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

function wire() {
  const reply = $("reply");
  reply.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $("reply-text").value;
    if (!text.trim() || current === null) return;
    if (await sendMo(current, $("reply-to").value.trim(), text, $("reply-error"))) {
      $("reply-text").value = "";
    }
  });
  enterSends($("reply-text"), reply);
  $("reply-to").addEventListener("input", () => { replyToEdited = true; });
  for (const b of document.querySelectorAll("[data-quick]")) {
    b.addEventListener("click", () => {
      if (current !== null) {
        sendMo(current, $("reply-to").value.trim(), b.dataset.quick, $("reply-error"));
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

  $("back").addEventListener("click", close);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && current !== null && !$("thread").hidden) close();
  });
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    token = $("token").value;
    localStorage.setItem("smsc-token", token);
    $("token-box").hidden = true;
    stream();
  });
  const wanted = decodeURIComponent(location.hash.slice(1));
  if (wanted) open(wanted, false);
}

wire();
stream();
poll();
