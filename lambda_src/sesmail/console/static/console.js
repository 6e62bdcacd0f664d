// Support console: vanilla JS, no third party. Data is only ever inserted with textContent (never as
// HTML), so whatever an event holds cannot run here. Login: OpenID Connect authorization code + PKCE
// against the identity provider named in the page's config; the token goes to the JSON API, which sits
// behind API Gateway's JWT authorizer. In the local, no-login mode there is no token at all.
"use strict";
(function () {
  const config = JSON.parse(document.querySelector('meta[name="console-config"]').content);
  const API = "/console/api/search";
  const TOKEN_KEY = "console.token";
  const PKCE_KEY = "console.pkce";
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const BAD = new Set(["complained", "bounced", "suppressed", "rejected", "rendering_failed", "soft_bounced"]);
  const WARN = new Set(["delayed", "sent", "unknown"]);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== undefined && value !== null) node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function statusBadge(view) {
    const kind = BAD.has(view.status) ? "bad" : WARN.has(view.status) ? "warn" : "good";
    return el("span", { class: "status " + kind }, view.label);
  }

  function searchLink(value, text) {
    const a = el("a", { href: "?q=" + encodeURIComponent(value), class: "mono" }, text || value);
    a.addEventListener("click", (event) => {
      event.preventDefault();
      $("q").value = value;
      search(value, true);
    });
    return a;
  }

  function facts(pairs) {
    const dl = el("dl", { class: "facts" });
    for (const [term, value] of pairs) {
      if (value === null || value === undefined || value === "") continue;
      dl.append(el("dt", {}, term), el("dd", {}, value));
    }
    return dl;
  }

  function timeline(events, caption) {
    const table = el("table", {}, el("caption", { class: "hint" }, caption));
    table.append(el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Time (UTC)"),
      el("th", { scope: "col" }, "Event"), el("th", { scope: "col" }, "Details"))));
    const body = el("tbody");
    for (const e of events) body.append(el("tr", {}, el("td", { class: "mono" }, e.at), el("td", {}, e.type),
      el("td", { class: "mono" }, e.detail || "")));
    table.append(body);
    return table;
  }

  function chart(data) {
    const wrap = el("div", { class: "chart" });
    if (!data.days.length) return wrap;
    const rows = [["sends", "Sends"], ["bounces", "Bounces"], ["complaints", "Complaints"]];
    const barW = 14, gap = 4, rowH = 46, left = 88, top = 6;
    const width = left + data.days.length * (barW + gap) + 10;
    const height = top + rows.length * rowH + 18;
    const max = Math.max(1, ...rows.flatMap(([key]) => data.series[key]));
    const svg = document.createElementNS(SVG, "svg");
    const title = "Sends, bounces and complaints per day, " + data.days[0] + " to " + data.days[data.days.length - 1];
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("width", String(width));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", title);
    const add = (tag, attrs, text) => {
      const node = document.createElementNS(SVG, tag);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
      if (text !== undefined) node.textContent = text;
      svg.append(node);
      return node;
    };
    rows.forEach(([key, label], r) => {
      const base = top + (r + 1) * rowH - 8;
      add("text", { x: 0, y: base - 4 }, label + " (" + data.series[key].reduce((a, b) => a + b, 0) + ")");
      add("line", { class: "axis", x1: left, x2: width - 6, y1: base, y2: base });
      data.series[key].forEach((count, i) => {
        if (!count) return;
        const h = Math.max(3, Math.round((rowH - 14) * count / max));
        const bar = add("rect", { class: "bar", x: left + i * (barW + gap), y: base - h, width: barW, height: h });
        const tip = document.createElementNS(SVG, "title");
        tip.textContent = data.days[i] + ": " + count + " " + label.toLowerCase();
        bar.append(tip);
      });
    });
    add("text", { x: left, y: height - 2 }, data.days[0]);
    if (data.days.length > 8) {
      add("text", { x: width - 6, y: height - 2, "text-anchor": "end" }, data.days[data.days.length - 1]);
    }
    wrap.append(svg);
    const numbers = el("table", {}, el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Day"),
      ...rows.map(([, label]) => el("th", { scope: "col" }, label)))));
    const body = el("tbody");
    data.days.forEach((day, i) => {
      if (rows.some(([key]) => data.series[key][i])) {
        body.append(el("tr", {}, el("td", { class: "mono" }, day), ...rows.map(([key]) => el("td", {}, String(data.series[key][i])))));
      }
    });
    numbers.append(body);
    wrap.append(el("details", {}, el("summary", {}, "Numbers per day"), numbers));
    return wrap;
  }

  function suppressionCard(s) {
    const card = el("section", { class: "card", "aria-labelledby": "supp-h" });
    card.append(el("h3", { id: "supp-h" }, "Suppression list"));
    if (s.state === "unavailable") {
      card.append(el("p", { class: "error" }, "Could not read the suppression list: " + s.error));
      return card;
    }
    const listed = s.state === "suppressed";
    card.append(el("p", {}, el("span", { class: "status " + (listed ? "bad" : "good") },
      listed ? "On the suppression list" : "Not on the suppression list")));
    if (listed) {
      card.append(facts([["Reason", s.reason], ["Listed since", s.listed_at + " (" + s.days_listed + " days)"],
        ["Audit class", s.class], ["SES message ID", s.ses_message_id]]));
    }
    const ev = s.evidence;
    card.append(facts([["Evidence", ev ? ev.summary + " at " + ev.event_at :
      "none stored (older than the event retention, or never sent from here)"],
      ["Evidence message", ev ? ev.message_id : null], ["Status code", ev ? ev.status_code : null],
      ["Diagnostic", ev ? ev.diagnostic_code : null]]));
    card.append(el("p", {}, el("strong", {}, "Recommendation: "), s.recommendation));
    const c = s.commands || {};
    if (c.remove_dry_run) {
      card.append(el("p", {}, "Removal is done by an operator, never from this page. Dry run (prints \"would remove\"), then the same with --apply:"));
      card.append(el("pre", { class: "command", "aria-label": "removal command, dry run" }, c.remove_dry_run));
      card.append(el("pre", { class: "command", "aria-label": "removal command" }, c.remove_apply));
    }
    if (c.check) {
      card.append(el("p", {}, "The same check from a terminal:"), el("pre", { class: "command" }, c.check));
    }
    return card;
  }

  function renderRecipient(data) {
    const r = data.recipient;
    const out = [el("h2", {}, "Recipient ", el("span", { class: "mono" }, r.address))];
    const latest = r.messages[0];
    if (latest) {
      out.push(el("p", { class: "meaning" }, el("strong", {}, "Latest mail: "), statusBadge(latest), " ", latest.meaning));
    }
    out.push(suppressionCard(data.suppression));
    out.push(el("h3", {}, "Sends, bounces and complaints over time"), chart(r.chart));
    out.push(el("h3", {}, "Messages (" + r.messages.length + ", newest first" + (r.truncated ? ", older ones not shown" : "") + ")"));
    for (const m of r.messages) {
      const card = el("article", { class: "card" });
      card.append(el("p", {}, statusBadge(m), " ", searchLink(m.message_id)));
      card.append(el("p", { class: "meaning" }, m.meaning));
      card.append(facts([["Reason", m.reason], ["Sent", m.sent_at], ["Subject", m.subject],
        ["Tags", Object.entries(m.tags || {}).map(([k, v]) => k + "=" + v).join(", ")]]));
      card.append(el("details", {}, el("summary", {}, "Timeline (" + m.timeline.length + " events)"),
        timeline(m.timeline, "What happened to this mail for this recipient, oldest first")));
      out.push(card);
    }
    return out;
  }

  function renderMessage(data) {
    const m = data.message;
    const out = [el("h2", {}, "Message ", el("span", { class: "mono" }, m.message_id))];
    out.push(facts([["Sent", m.sent_at], ["From", m.source], ["Subject", m.subject],
      ["Configuration set", m.configuration_set],
      ["Opened", m.opened ? "yes (by some recipient: SES cannot say which)" : "no open recorded"],
      ["Clicked", m.clicked ? "yes (by some recipient)" : "no click recorded"]]));
    for (const r of m.recipients) {
      const card = el("article", { class: "card" });
      card.append(el("p", {}, statusBadge(r), " ", searchLink(r.address)));
      card.append(el("p", { class: "meaning" }, r.meaning));
      card.append(facts([["Reason", r.reason], ["Decided at", r.decided_at]]));
      card.append(timeline(r.timeline, "Events for this recipient, oldest first"));
      out.push(card);
    }
    if (m.engagement.length) out.push(el("h3", {}, "Opens and clicks (message level)"), timeline(m.engagement, "Opens and clicks of this message"));
    return out;
  }

  function show(nodes) {
    const results = $("results");
    results.replaceChildren(...nodes);
    results.focus();
  }

  async function search(q, push) {
    q = q.trim();
    if (!q) return;
    if (push) history.pushState({ q }, "", "?q=" + encodeURIComponent(q));
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!config.local && !token) return requireLogin();
    $("status").textContent = "Searching…";
    let response;
    try {
      response = await fetch(API + "?q=" + encodeURIComponent(q), {
        headers: config.local ? {} : { Authorization: "Bearer " + token }, cache: "no-store",
      });
    } catch (error) {
      $("status").textContent = "";
      return show([el("p", { class: "error" }, "The search could not reach the API: " + error.message)]);
    }
    if (response.status === 401 || response.status === 403) {
      sessionStorage.removeItem(TOKEN_KEY);
      return requireLogin();
    }
    const data = await response.json();
    $("status").textContent = (response.ok ? "Results for " : "No results for ") + q;
    if (!response.ok) return show([el("p", { class: "error" }, data.error || "error " + response.status)]);
    show(data.kind === "recipient" ? renderRecipient(data) : renderMessage(data));
  }

  // --- login (authorization code + PKCE; nothing here in local mode) ------------------------------
  const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const random = () => b64url(crypto.getRandomValues(new Uint8Array(32)));
  const redirectUri = () => location.origin + location.pathname;

  function requireLogin() {
    $("login").hidden = false;
    $("status").textContent = "Sign in to search.";
  }

  async function signIn() {
    const verifier = random(), state = random();
    const q = new URLSearchParams(location.search).get("q") || "";
    sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, q }));
    const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    const url = new URL(config.login.authorize_url);
    url.search = new URLSearchParams({ response_type: "code", client_id: config.login.client_id,
      redirect_uri: redirectUri(), scope: config.login.scopes, state, code_challenge: challenge,
      code_challenge_method: "S256" }).toString();
    location.assign(url.toString());
  }

  async function finishLogin(params) {
    const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || "{}");
    sessionStorage.removeItem(PKCE_KEY);
    if (!saved.state || saved.state !== params.get("state")) throw new Error("login state mismatch: sign in again");
    const response = await fetch(config.login.token_url, { method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", client_id: config.login.client_id,
        code: params.get("code"), redirect_uri: redirectUri(), code_verifier: saved.verifier }) });
    if (!response.ok) throw new Error("the identity provider refused the login (" + response.status + ")");
    const tokens = await response.json();
    sessionStorage.setItem(TOKEN_KEY, tokens[config.login.token_use]);
    history.replaceState({}, "", saved.q ? "?q=" + encodeURIComponent(saved.q) : location.pathname);
  }

  async function start() {
    $("search").addEventListener("submit", (event) => { event.preventDefault(); search($("q").value, true); });
    $("signin").addEventListener("click", () => { signIn(); });
    document.addEventListener("keydown", (event) => {
      if (event.key === "/" && document.activeElement !== $("q")) { event.preventDefault(); $("q").focus(); }
    });
    window.addEventListener("popstate", () => {
      const q = new URLSearchParams(location.search).get("q");
      if (q) { $("q").value = q; search(q, false); }
    });
    const params = new URLSearchParams(location.search);
    if (!config.local && params.get("code")) {
      try { await finishLogin(params); } catch (error) {
        show([el("p", { class: "error" }, error.message)]);
      }
    }
    const q = new URLSearchParams(location.search).get("q");
    if (q) { $("q").value = q; await search(q, false); } else { $("q").focus(); }
    if (!config.local && !sessionStorage.getItem(TOKEN_KEY)) requireLogin();
  }

  start();
})();
