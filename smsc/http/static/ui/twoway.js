// The inbox's two-way pieces: how conversations go per number (reply rate, opt-outs, the
// app's response times, MO unanswered) and, for the handset shown, where each conversation
// script run is. Kept apart from inbox.js: it only reads the API and the page's address
// (#handset), and writes into its own elements. Text is set with textContent, never markup.
"use strict";

(() => {
  const API = "/api/v1";
  const METRICS_MS = 5000;
  const SCRIPTS_MS = 2000;
  const WINDOW = 3600; // seconds the metrics look back

  const $ = (id) => document.getElementById(id);

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

  async function get(path) {
    const token = localStorage.getItem("smsc-token") || "";
    const resp = await fetch(API + path, { headers: token ? { Authorization: "Bearer " + token } : {} });
    if (!resp.ok) throw new Error("HTTP " + resp.status);
    return resp.json();
  }

  const percent = (x) => (x === null ? "–" : Math.round(x * 1000) / 10 + "%");

  function seconds(x) {
    if (x === null) return "–";
    if (x < 1) return Math.round(x * 1000) + " ms";
    if (x < 120) return (Math.round(x * 10) / 10) + " s";
    return Math.round(x / 60) + " min";
  }

  // -- per number -----------------------------------------------------------------------

  function renderNumbers(numbers) {
    const box = $("twoway-numbers");
    if (!numbers.length) {
      box.replaceChildren(el("p", { class: "muted" }, "No two-way traffic in the last hour."));
      return;
    }
    const head = el("tr", {}, ...["number", "replied", "opted out", "app answers p50 / p95 / max",
      "unanswered"].map((h) => el("th", { scope: "col" }, h)));
    const rows = numbers.map((n) => el("tr", { "data-number": n.number },
      el("th", { scope: "row" }, n.number, n.type ? el("span", { class: "muted" },
        " " + n.type.replace("_", " ")) : null),
      el("td", { class: "reply-rate", title: n.handsets_replied + " of " + n.handsets_messaged +
        " handsets messaged" }, percent(n.reply_rate)),
      el("td", { class: "opt-out-rate", title: n.opt_outs + " STOP" }, percent(n.opt_out_rate)),
      el("td", { class: "response", title: n.response_time.answered + " answers" },
        [n.response_time.p50, n.response_time.p95, n.response_time.max].map(seconds).join(" / ")),
      el("td", { class: "unanswered" }, String(n.mo_unanswered))));
    box.replaceChildren(el("table", { class: "twoway-table" },
      el("caption", { class: "visually-hidden" }, "Conversations per number, last hour"),
      el("thead", {}, head), el("tbody", {}, ...rows)));
  }

  async function metrics() {
    try {
      if (!document.hidden) {
        const data = await get(`/metrics/conversations?window=${WINDOW}`);
        renderNumbers(data.numbers);
      }
    } catch (e) {
      // the inbox's live indicator says when the server is away; try again later
    }
    setTimeout(metrics, METRICS_MS);
  }

  // -- the handset shown: its script runs -----------------------------------------------

  const STATUS = { active: "in progress", finished: "finished", quiet: "went quiet",
    stopped: "sent STOP" };

  function shownHandset() {
    const thread = $("thread");
    if (!thread || thread.hidden) return null;
    const h = decodeURIComponent(location.hash.slice(1));
    return /^\+?\d{1,20}$/.test(h) ? h.replace(/^\+/, "") : null;
  }

  function renderRuns(runs) {
    const box = $("thread-scripts");
    box.hidden = runs.length === 0;
    box.replaceChildren(...runs.map((r) => {
      const last = r.steps.at(-1);
      return el("p", { class: "script-run", "data-script": r.script, "data-state": r.state,
        "data-status": r.status },
        el("strong", {}, "Script " + r.script), " with " + r.number + ": ",
        el("span", { class: "script-state" }, r.state), " (" + (STATUS[r.status] || r.status) + ")",
        last ? el("span", { class: "muted" }, " · last: " + last.event +
          (last.reply !== null ? " “" + last.reply + "”" : "")) : null);
    }));
  }

  let shown = null;
  async function scripts() {
    const handset = shownHandset();
    try {
      if (handset === null) {
        if (shown !== null) renderRuns([]);
      } else if (!document.hidden) {
        const data = await get(`/scripts?handset=${encodeURIComponent(handset)}`);
        if (shownHandset() === handset) renderRuns(data.scripts);
      }
      shown = handset;
    } catch (e) {
      // as above: the next round tries again
    }
    setTimeout(scripts, SCRIPTS_MS);
  }

  metrics();
  scripts();
})();
