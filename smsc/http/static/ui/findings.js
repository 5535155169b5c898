// The app checker in the web inbox: a panel of findings with counts by code, and a badge on
// each message a finding is about, kept up to date (GET /api/v1/findings once a second).
// Independent of inbox.js: it reads the API itself and marks the inbox's message elements
// (li[data-id]) as they appear. Text is always set with textContent.
"use strict";

(() => {
  const API = "/api/v1";
  const POLL_MS = 1000;
  const POLL_HIDDEN_MS = 5000; // a tab in the background asks less often
  const SHOWN = 20; // latest findings listed in the panel
  const KEEP = 1000; // findings held in the page

  let findings = []; // newest first
  let shownIds = ""; // the ids last rendered, to render only on a change
  const byPart = new Map(); // message (part) id -> the findings about it

  const token = () => localStorage.getItem("smsc-token") || "";
  const headers = () => (token() ? { Authorization: "Bearer " + token() } : {});

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // -- the panel ---------------------------------------------------------------------------

  function panel() {
    let section = document.getElementById("findings-panel");
    if (section) return section;
    section = el("section", "panel findings-panel");
    section.id = "findings-panel";
    section.setAttribute("aria-labelledby", "findings-title");
    const head = el("h2", null, "App checker ");
    head.id = "findings-title";
    const total = el("span", "muted");
    total.id = "findings-total";
    head.append(total);
    const counts = el("ul", "findings-counts");
    counts.id = "findings-counts";
    const list = el("ol", "findings-list");
    list.id = "findings-list";
    const empty = el("p", "muted", "No findings: nothing the app did looks wrong so far.");
    empty.id = "findings-empty";
    const actions = el("p", "findings-actions");
    const report = el("a", null, "Report");
    report.href = API + "/report?format=html";
    report.target = "_blank";
    const clear = el("button", null, "Clear");
    clear.type = "button";
    clear.id = "findings-clear";
    clear.addEventListener("click", async () => {
      await fetch(API + "/findings", { method: "DELETE", headers: headers() });
      findings = [];
      shownIds = "";
      byPart.clear();
      render();
    });
    actions.append(report, " ", clear);
    section.append(head, counts, list, empty, actions);
    const side = document.querySelector(".side") || document.body;
    side.prepend(section);
    return section;
  }

  function render() {
    panel();
    const counts = new Map();
    for (const f of findings) counts.set(f.code, (counts.get(f.code) || 0) + 1);
    document.getElementById("findings-total").textContent =
      findings.length ? "(" + findings.length + ")" : "";
    document.getElementById("findings-counts").replaceChildren(
      ...[...counts.entries()].sort((a, b) => b[1] - a[1]).map(([code, n]) => {
        const li = el("li", "finding-count");
        li.dataset.code = code;
        li.append(el("code", null, code), el("span", "n", String(n)));
        return li;
      }));
    document.getElementById("findings-list").replaceChildren(
      ...findings.slice(0, SHOWN).map((f) => {
        const li = el("li", "finding sev-" + f.severity);
        li.dataset.code = f.code;
        li.append(el("span", "finding-code", f.code), el("span", "finding-text", f.text));
        return li;
      }));
    document.getElementById("findings-empty").hidden = findings.length > 0;
    badges();
  }

  // -- badges on messages ------------------------------------------------------------------

  function index(f) {
    if (!f.message_id) return;
    if (!byPart.has(f.message_id)) byPart.set(f.message_id, []);
    byPart.get(f.message_id).push(f);
  }

  // A long message shows as one element named after one part, holding elements named after
  // others (its details button): a finding about any of them marks it.
  function about(li) {
    const found = [...(byPart.get(li.dataset.id) || [])];
    for (const inner of li.querySelectorAll("[data-id]")) {
      for (const f of byPart.get(inner.dataset.id) || []) if (!found.includes(f)) found.push(f);
    }
    return found;
  }

  function badges() {
    for (const li of document.querySelectorAll("#messages li[data-id]")) {
      const mine = about(li);
      let badge = li.querySelector(":scope > .finding-badge");
      if (!mine.length) {
        if (badge) badge.remove();
        continue;
      }
      if (!badge) {
        badge = el("span", "finding-badge");
        li.prepend(badge);
      }
      const worst = mine.some((f) => f.severity === "error") ? "error"
        : mine.some((f) => f.severity === "warning") ? "warning" : "info";
      if (badge.dataset.severity !== worst) badge.dataset.severity = worst;
      const text = "⚠ " + mine.length;
      if (badge.textContent !== text) badge.textContent = text;
      const title = mine.map((f) => f.code + ": " + f.text).join("\n");
      if (badge.title !== title) badge.title = title;
    }
  }

  // Once per frame however many changes the inbox makes.
  let pending = false;
  function scheduleBadges() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      badges();
    });
  }

  // -- data --------------------------------------------------------------------------------

  // Polled, not streamed: the inbox holds the page's one event stream, and a second
  // long-lived connection per page would eat into the browser's few per host.
  async function poll() {
    try {
      const resp = await fetch(API + "/findings?limit=" + KEEP, { headers: headers() });
      if (resp.ok) {
        const data = await resp.json();
        const ids = data.findings.map((f) => f.id).join(",");
        if (ids !== shownIds) {
          shownIds = ids;
          findings = data.findings;
          byPart.clear();
          for (const f of findings) index(f);
          render();
        }
      }
    } catch (e) {
      // the server is away: try again at the next tick
    }
    setTimeout(poll, document.hidden ? POLL_HIDDEN_MS : POLL_MS);
  }

  function start() {
    render();
    // The inbox redraws its messages often: mark the new elements as they come.
    const thread = document.getElementById("messages") || document.body;
    new MutationObserver(scheduleBadges).observe(thread, { childList: true, subtree: true });
    poll();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
