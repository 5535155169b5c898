// The app checker in the web inbox: a panel of findings with counts by code, and a badge on
// each message a finding is about. Live from the event stream ("finding" and "reset"
// events). Independent of inbox.js: it reads the API itself and marks the inbox's message
// elements (li[data-id]) when they appear. Text is always set with textContent.
"use strict";

(() => {
  const API = "/api/v1";
  const RETRY_MS = 2000;
  const SHOWN = 20; // latest findings listed in the panel
  const KEEP = 1000; // findings held in the page

  let findings = []; // newest first
  const partsOf = new Map(); // message id -> ids of every part of its message
  const byPart = new Map(); // part id -> findings about its message

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
    const ids = partsOf.get(f.message_id);
    for (const id of ids || [f.message_id]) {
      if (!byPart.has(id)) byPart.set(id, []);
      byPart.get(id).push(f);
    }
    if (!ids) learnParts(f);
  }

  // A long message shows as one element named after one of its parts: learn them all.
  async function learnParts(f) {
    partsOf.set(f.message_id, [f.message_id]);
    try {
      const resp = await fetch(API + "/messages/" + encodeURIComponent(f.message_id),
        { headers: headers() });
      if (!resp.ok) return;
      const detail = await resp.json();
      const ids = detail.parts.map((p) => p.id);
      partsOf.set(f.message_id, ids);
      for (const id of ids) for (const g of findings) {
        if (g.message_id === f.message_id && !(byPart.get(id) || []).includes(g)) {
          if (!byPart.has(id)) byPart.set(id, []);
          byPart.get(id).push(g);
        }
      }
      badges();
    } catch (e) {
      // the badge stays on the part named in the finding
    }
  }

  function badges() {
    for (const li of document.querySelectorAll("li[data-id]")) {
      const about = byPart.get(li.dataset.id) || [];
      let badge = li.querySelector(":scope > .finding-badge");
      if (!about.length) {
        if (badge) badge.remove();
        continue;
      }
      if (!badge) {
        badge = el("span", "finding-badge");
        li.prepend(badge);
      }
      const worst = about.some((f) => f.severity === "error") ? "error"
        : about.some((f) => f.severity === "warning") ? "warning" : "info";
      badge.dataset.severity = worst;
      const text = "⚠ " + about.length;
      if (badge.textContent !== text) badge.textContent = text;
      const title = about.map((f) => f.code + ": " + f.text).join("\n");
      if (badge.title !== title) badge.title = title;
    }
  }

  // -- data --------------------------------------------------------------------------------

  function add(f) {
    if (findings.some((g) => g.id === f.id)) return;
    findings.unshift(f);
    if (findings.length > KEEP) findings.length = KEEP;
    index(f);
  }

  async function load() {
    const resp = await fetch(API + "/findings?limit=" + KEEP, { headers: headers() });
    if (!resp.ok) return;
    const data = await resp.json();
    findings = [];
    byPart.clear();
    for (const f of data.findings.reverse()) add(f);
    render();
  }

  async function stream() {
    for (;;) {
      try {
        const resp = await fetch(API + "/events", { headers: headers() });
        if (!resp.ok || !resp.body) throw new Error("HTTP " + resp.status);
        const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
        await load();
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
            if (name === "finding" && data.length) {
              add(JSON.parse(data.join("\n")));
              render();
            } else if (name === "reset") {
              findings = [];
              byPart.clear();
              render();
            }
          }
        }
      } catch (e) {
        // fall through to the retry below
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  function start() {
    render();
    // The inbox redraws its messages often: mark the new elements as they come.
    new MutationObserver(() => badges()).observe(document.body, { childList: true,
      subtree: true });
    stream();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
