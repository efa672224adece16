// The wallboard: one snapshot at once, then every change the server streams (server-sent
// events read from fetch, so that the API token travels in the Authorization header).
"use strict";

const TOKEN_KEY = "eventdesk-wallboard-token";
const $ = (id) => document.getElementById(id);

function takeToken() {
  const match = location.hash.match(/token=([^&]+)/);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);  // not kept in the URL
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

let token = takeToken();

function headers() {
  return { Authorization: "Bearer " + token, "Content-Type": "application/json" };
}

function duration(seconds) {
  const sign = seconds < 0 ? "−" : "";
  let s = Math.abs(Math.round(seconds));
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  if (h) return `${sign}${h}h ${String(m).padStart(2, "0")}m`;
  return `${sign}${m}m ${String(s).padStart(2, "0")}s`;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "—" : String(text);
  if (className) td.className = className;
  return td;
}

function fill(id, rows, build) {
  const body = $(id).tBodies ? $(id).tBodies[0] : $(id);
  // A new board must not take the keyboard's focus away from a row's button.
  const focused = body.contains(document.activeElement)
    ? document.activeElement.getAttribute("aria-label") : null;
  body.replaceChildren(...rows.map(build));
  if (focused) {
    const again = body.querySelector(`[aria-label="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
  const empty = document.querySelector(`[data-empty-for="${id}"]`);
  if (empty) empty.hidden = rows.length > 0;
}

function row(cells, attributes) {
  const tr = document.createElement("tr");
  tr.append(...cells);
  for (const [name, value] of Object.entries(attributes || {})) tr.setAttribute(name, value);
  return tr;
}

function item(text, attributes) {
  const li = document.createElement("li");
  li.textContent = text;
  for (const [name, value] of Object.entries(attributes || {})) li.setAttribute(name, value);
  return li;
}

function versus(value, target, met, unit) {
  if (value === null) return cell("—", "num");
  return cell(`${value}${unit} (target ${target}${unit})`, met ? "num met" : "num missed");
}

function render(board) {
  $("who").textContent = `${board.actor} · ${board.tenants ? board.tenants.join(", ") || "no tenant" : "every tenant"}`;
  $("live").textContent = `Live · ${board.at.slice(11, 16)} UTC`;
  fill("intervals", board.intervals, (i) => row([
    cell(`${i.name} ${i.start.slice(11, 16)}–${i.end.slice(11, 16)}`),
    cell(i.arrivals, "num"), cell(i.answered, "num"), cell(i.abandoned, "num"),
    versus(i.service_level, i.target_level, i.level_met, "%"),
    versus(i.asa_seconds, i.target_seconds, i.asa_met, "s"),
  ], { "data-interval": i.name }));
  fill("queues", board.queues, (q) => row([
    cell(q.queue), cell(q.channel), cell(q.waiting, "num"), cell(duration(q.oldest_wait_seconds), "num"),
  ], { "data-queue": `${q.queue}/${q.channel}` }));
  fill("risk", board.sla_risk, (r) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Reassign";
    button.setAttribute("aria-label", `Reassign ${r.incident}`);
    button.addEventListener("click", () => {
      $("reassign-incident").value = r.incident;
      $("reassign-group").focus();
    });
    const action = document.createElement("td");
    action.append(button);
    return row([
      cell(`${r.incident} ${r.summary}`), cell(r.tenant), cell(r.priority, "num"), cell(r.metric),
      cell(`${duration(r.remaining_seconds)} · ${r.level}`, "num"),
      cell(r.assignee || r.group), action,
    ], { "data-incident": r.incident, "data-level": r.level, class: `level-${r.level}` });
  });
  fill("agents", board.agents, (a) => row([
    cell(a.name), cell(a.presence, `presence-${a.presence}`), cell(a.teams.join(", ")),
    cell(a.channels.map((c) => `${c.channel} ${c.used}/${c.free}`).join(" · ") || "—"),
  ], { "data-agent": a.name }));
  fill("contingency", board.contingency, (c) =>
    item(`${c.tenant || "the whole desk"} since ${c.since.slice(11, 16)}: ${c.reason}`,
      { "data-tenant": c.tenant || "" }));
  fill("overflow", [
    ...board.overflowed.map((o) => ({ text: `${o.incident} (${o.tenant}, ${o.channel}) overflowed to the pool`, key: o.incident })),
    ...board.diverted.map((d) => ({ text: `${d.what} (${d.tenant || "no tenant"}) diverted to ${d.to}`, key: d.what })),
  ], (o) => item(o.text, { "data-item": o.key }));
}

async function refused(response) {
  let message = `${response.status}`;
  try { message = (await response.json()).error || message; } catch (_) { /* not JSON */ }
  return message;
}

function showLogin(message) {
  $("board").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message || "";
  $("live").textContent = "Not connected";
  $("token").focus();
}

async function stream() {
  // Reads text/event-stream from fetch; reconnects after a pause when the stream ends.
  for (;;) {
    try {
      const response = await fetch("/wallboard/api/events", { headers: headers() });
      if (!response.ok) { showLogin(await refused(response)); return; }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = message.split("\n");
          if (lines.includes("event: board")) {
            const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
            render(JSON.parse(data));
          }
        }
      }
    } catch (_) { /* the connection dropped: try again */ }
    $("live").textContent = "Reconnecting…";
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function start() {
  const response = await fetch("/wallboard/api/board", { headers: headers() });
  if (!response.ok) { showLogin(await refused(response)); return; }
  $("login").hidden = true;
  $("board").hidden = false;
  render(await response.json());
  stream();
}

async function act(form, path) {
  const fields = {};
  for (const [name, value] of new FormData(form)) if (value !== "") fields[name] = value;
  const response = await fetch(path, { method: "POST", headers: headers(), body: JSON.stringify(fields) });
  const result = $("action-result");
  if (response.ok) {
    result.className = "";
    result.textContent = `Done: ${form.querySelector("legend").textContent.toLowerCase()}.`;
    form.reset();
  } else {
    result.className = "error";
    result.textContent = await refused(response);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    token = $("token").value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    start();
  });
  for (const [id, path] of [["reassign", "reassign"], ["move-agent", "move-agent"], ["contingency-switch", "contingency"]]) {
    $(id).addEventListener("submit", (event) => { event.preventDefault(); act(event.target, `/wallboard/api/${path}`); });
  }
  if (token) start(); else showLogin();
});
