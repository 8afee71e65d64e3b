// The botec playground: a form generated from the scenario's JSON Schema, results from the JSON
// API as you type. The page computes nothing: every number comes from POST /api/report.
"use strict";

const ORDER = ["users", "requests", "model", "inference", "serving", "serving_plan", "model_fit",
  "kv_cache", "storage", "feature_store", "training_data", "cpu_serving", "training",
  "image_generation", "video_generation", "embeddings", "speech", "speech_synthesis", "recommender",
  "deployment", "cost"];
const state = { schema: null, commands: null, question: "scenario", scenario: {}, extras: {},
  params: {}, report: null, pinned: null, timer: null, inflight: null, seq: 0 };
// The short forms of the direct questions: the parameters shown first, with starting values.
const QUESTIONS = {
  memory: { model: "llama-3.1-70b", gpu: "h100-sxm", gpus: "", context: "8192", batch: "1" },
  train: { model: "llama-2-7b", tokens: "2T", gpu: "h100-sxm", gpus: "256", budget: "" },
  infer: { model: "llama-3.1-8b", gpu: "h100-sxm", engine: "vllm", input_tokens: "1000", output_tokens: "300" },
  plan: { model: "llama-3.1-8b", gpu: "h100-sxm", qps: "50", ttft_p99: "1s", tpot_p99: "50ms" },
  image: { model: "sdxl", gpu: "h100-sxm", steps: "30", batch: "4", images_per_day: "1M" },
  video: { model: "wan2.1-14b", gpu: "h100-sxm", gpus_per_job: "8", videos_per_day: "10K" },
  embed: { documents: "100M", model: "bge-base-en-v1.5", index: "hnsw", qps: "1000" },
  speech: { model: "whisper-large-v3", gpu: "l4", batch: "8", audio_hours_per_day: "10K" },
  recsys: { model: "dlrm-dcnv2", device: "gpu", qps: "10K", candidates: "500" },
  tts: { model: "orpheus-3b", gpu: "l4", streams: "16", characters_per_day: "2B" },
};

const $ = (id) => document.getElementById(id);
const ENDPOINTS = { "/api/memory": 1, "/api/train": 1, "/api/infer": 1, "/api/plan": 1,
  "/api/image": 1, "/api/video": 1, "/api/embed": 1, "/api/speech": 1, "/api/recsys": 1, "/api/tts": 1 };
const el = (tag, attrs = {}, ...kids) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const kid of kids) node.append(kid);
  return node;
};

async function api(path, body) {
  const options = body === undefined ? {} : { method: "POST",
    headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  const live = path === "/api/report" || path in ENDPOINTS;
  if (body !== undefined && state.inflight && live) state.inflight.abort();
  const control = new AbortController();
  if (live) state.inflight = control;
  const response = await fetch(path, { ...options, signal: control.signal });
  const data = await response.json();
  if (!response.ok) throw Object.assign(new Error("refused"), { body: data });
  return data;
}

// -- the form -------------------------------------------------------------------------------

function sectionSchema(name) {
  const prop = state.schema.properties[name];
  const ref = (prop.anyOf || []).find((a) => a.$ref) || prop;
  return state.schema.$defs[ref.$ref.split("/").pop()];
}

function isArray(field) {
  return field.type === "array" || (field.anyOf || []).some((a) => a.type === "array");
}

function shown(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function buildForm() {
  const holder = $("sections");
  holder.replaceChildren();
  for (const name of ORDER) {
    if (!(name in state.scenario)) continue;
    const def = sectionSchema(name);
    const box = el("fieldset", { "data-section": name }, el("legend", { text: name.replace(/_/g, " ") }));
    if (def.description) box.append(el("p", { class: "source", text: def.description }));
    for (const [key, field] of Object.entries(def.properties)) {
      const path = `${name}.${key}`;
      const id = `f-${name}-${key}`;
      const input = el("input", { id, name: path, "data-path": path, type: "text",
        autocomplete: "off", placeholder: field.default === null || field.default === undefined
          ? "default" : shown(field.default) });
      input.value = shown(state.scenario[name][key]);
      input.dataset.array = isArray(field) ? "1" : "";
      input.addEventListener("input", changed);
      const row = el("div", { class: "field" }, el("label", { for: id, text: field.title || key }), input);
      box.append(row);
      slider(row, input, field.title || key);
    }
    holder.append(box);
  }
  const add = $("add-section");
  add.replaceChildren(el("option", { value: "", text: "…" }));
  for (const name of ORDER) {
    if (!(name in state.scenario)) add.append(el("option", { value: name, text: name.replace(/_/g, " ") }));
  }
}

// A slider beside a plain positive number: log scale from a tenth to ten times its value.
function slider(row, input, title) {
  const start = Number(input.value);
  if (!(start > 0) || !/^[\d.eE+]+$/.test(input.value.trim())) return;
  const range = el("input", { type: "range", min: "-100", max: "100", value: "0", step: "1",
    "aria-label": `${title}: from a tenth to ten times ${input.value}` });
  range.addEventListener("input", () => {
    const v = start * 10 ** (Number(range.value) / 100);
    input.value = String(Number.isInteger(start) && v > 1 ? Math.round(v) : Number(v.toPrecision(3)));
    changed();
  });
  row.append(el("span", { class: "slider-pad" }), range);
}

function buildQuestion(name) {
  const holder = $("sections");
  holder.replaceChildren();
  const box = el("fieldset", { "data-question": name }, el("legend", { text: `botec ${name}` }));
  const values = { ...QUESTIONS[name], ...(state.params[name] || {}) };
  for (const p of state.commands[name]) {
    if (!(p.name in values) && p.default === null) continue;
    const id = `q-${name}-${p.name}`;
    const input = el("input", { id, "data-param": p.name, type: "text", autocomplete: "off",
      placeholder: p.default === null ? "" : String(p.default) });
    input.value = values[p.name] !== undefined ? values[p.name] : "";
    input.addEventListener("input", changed);
    const row = el("div", { class: "field" }, el("label", { for: id, text: p.name.replace(/_/g, " ") }), input);
    box.append(row);
    slider(row, input, p.name);
  }
  holder.append(box);
}

function readQuestion() {
  const body = {};
  for (const input of document.querySelectorAll("input[data-param]")) {
    if (input.value.trim() !== "") body[input.dataset.param] = parsed(input.value, false);
  }
  return body;
}

function parsed(text, array) {
  const t = text.trim();
  if (array) return t ? t.split(",").map((s) => s.trim()).filter(Boolean) : [];
  if (t === "true" || t === "false") return t === "true";
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return t;
}

function readForm() {
  const scenario = { ...state.extras };
  for (const box of document.querySelectorAll("fieldset[data-section]")) {
    const name = box.dataset.section;
    scenario[name] = {};
    for (const input of box.querySelectorAll("input[data-path]")) {
      const key = input.dataset.path.split(".")[1];
      if (input.value.trim() !== "") scenario[name][key] = parsed(input.value, input.dataset.array === "1");
    }
  }
  return scenario;
}

function changed() {
  clearTimeout(state.timer);
  state.timer = setTimeout(run, 80);  // short enough to feel live, long enough to skip keystrokes
}

// -- running and showing --------------------------------------------------------------------

async function run() {
  const asking = state.question !== "scenario";
  const scenario = asking ? null : readForm();
  if (!asking) state.scenario = scenario;
  const params = asking ? readQuestion() : null;
  if (asking) state.params[state.question] = params;
  const seq = ++state.seq;
  $("results").setAttribute("aria-busy", "true");
  for (const bad of document.querySelectorAll("[aria-invalid=true]")) bad.removeAttribute("aria-invalid");
  for (const msg of document.querySelectorAll(".error")) msg.remove();
  try {
    const samples = Number($("samples").value);
    const report = asking
      ? await api(`/api/${state.question}`, { ...params, samples, histograms: true })
      : await api("/api/report", { scenario, samples, histograms: true });
    if (seq !== state.seq) return;
    state.report = report;
    show(report);
    window.botecUpdated = performance.now();  // when the numbers last changed (benchmarks read it)
    setStatus("", "");
    if (!asking) { location.replace(`#s=${encode(scenario)}`); traffic(scenario, report); }
  } catch (error) {
    if (error.name === "AbortError" || seq !== state.seq) return;
    const problem = error.body && error.body.error;
    $("results").classList.add("stale");
    setStatus(problem ? problem.message : "The server did not answer.", "bad");
    if (problem) markField(problem);
  } finally {
    if (seq === state.seq) $("results").setAttribute("aria-busy", "false");
  }
}

function setStatus(text, kind) {
  $("status").textContent = text ? `Not updated: ${text}` : "";
  $("status").className = kind;
}

function markField(problem) {
  const input = document.querySelector(`input[data-path="${problem.field}"]`)
    || document.querySelector(`input[data-param="${problem.field}"]`);
  if (!input) return;
  input.setAttribute("aria-invalid", "true");
  const msg = el("span", { class: "error", id: `${input.id}-error`, text: problem.message });
  input.setAttribute("aria-describedby", msg.id);
  input.parentElement.append(msg);
}

function figure(result) {
  // the API formats them: the median and the 90% range where inputs vary, as the CLI prints
  return { value: result.formatted_median || result.formatted, range: result.formatted_range || "" };
}

function show(report) {
  $("results").classList.remove("stale");
  $("title").textContent = report.title;
  const answer = $("answer");
  answer.replaceChildren();
  for (const name of report.answer.results) {
    const r = report.results[name];
    const f = figure(r);
    answer.append(el("li", { "data-result": name, text: `${r.title}: ${f.value}${f.range ? ` (${f.range})` : ""}` }));
  }
  for (const text of report.answer.verdicts) answer.append(el("li", { class: "verdict", text }));
  const body = $("summary").querySelector("tbody");
  body.replaceChildren();
  for (const [name, r] of Object.entries(report.results)) {
    if (!r.headline) continue;
    const f = figure(r);
    body.append(el("tr", { "data-result": name }, el("td", { text: r.title }),
      el("td", { class: "num", text: f.value }), el("td", { class: "num", text: f.range })));
  }
  steps(report);
  whatIf(report);
  charts(report);
}

function steps(report) {
  const holder = $("steps");
  holder.replaceChildren();
  for (const [name, r] of Object.entries(report.results)) {
    const d = el("details", { "data-step": name },
      el("summary", { text: `${r.section ? `${r.section}: ` : ""}${r.title} = ${r.formatted}` }),
      el("pre", { text: `${name} = ${r.formula}\n${" ".repeat(name.length)} = ${r.substitution}\n${" ".repeat(name.length)} = ${r.formatted}` }));
    if (r.why) d.append(el("p", { class: "source", text: r.why }));
    holder.append(d);
  }
  for (const note of report.notes) holder.append(el("p", { class: `note ${note.level}`, text: note.text }));
}

function whatIf(report) {
  const table = $("whatif");
  if (!state.pinned) { table.hidden = true; return; }
  table.hidden = false;
  const body = table.querySelector("tbody");
  body.replaceChildren();
  for (const name of state.pinned.answer.results) {
    const was = state.pinned.results[name];
    const now = report.results[name];
    if (!was || !now) continue;
    const change = was.value ? `${((now.value / was.value - 1) * 100).toFixed(1)}%` : "–";
    body.append(el("tr", {}, el("td", { text: now.title }), el("td", { class: "num", text: was.formatted }),
      el("td", { class: "num", text: now.formatted }), el("td", { class: "num", text: change })));
  }
}

// -- charts ---------------------------------------------------------------------------------

function charts(report) {
  if (!window.Plotly) return;
  const layout = (title) => ({ title: { text: title, font: { size: 13 } }, margin: { l: 150, r: 10, t: 30, b: 30 }, height: 260 });
  const costs = Object.entries(report.results).filter(([n, r]) => r.unit === "USD/month" && !n.startsWith("total"));
  Plotly.react("chart-cost", [{ type: "bar", orientation: "h", y: costs.map(([, r]) => r.title),
    x: costs.map(([, r]) => r.value) }], layout("Monthly cost by part (USD/month)"), { displayModeBar: false, staticPlot: true, responsive: true });
  const first = report.answer.results.find((n) => report.sensitivity[n]) || Object.keys(report.sensitivity)[0];
  const sens = first && report.sensitivity[first];
  const drivers = sens ? sens.drivers.slice(0, 6).reverse() : [];
  Plotly.react("chart-tornado", [
    { type: "bar", orientation: "h", name: "input at p5", y: drivers.map((d) => d.title), x: drivers.map((d) => d.result_at_input_p5) },
    { type: "bar", orientation: "h", name: "input at p95", y: drivers.map((d) => d.title), x: drivers.map((d) => d.result_at_input_p95) },
  ], { ...layout(sens ? `What drives ${sens.title}` : "No ranges: nothing varies"), barmode: "overlay" }, { displayModeBar: false, staticPlot: true, responsive: true });
  const name = report.answer.results.find((n) => report.histograms && report.histograms[n]);
  const h = name && report.histograms[name];
  const mids = h ? h.counts.map((_, i) => (h.edges[i] + h.edges[i + 1]) / 2) : [];
  Plotly.react("chart-distribution", [{ type: "bar", x: mids, y: h ? h.counts : [] }],
    { title: { text: h ? `Distribution of ${report.results[name].title}` : "No ranges: one value", font: { size: 13 } },
      height: 260, margin: { l: 40, r: 10, t: 30, b: 30 }, bargap: 0 },
    { displayModeBar: false, staticPlot: true, responsive: true });
  deployment(report.curves || {});
}

// A [deployment] day: replicas hour by hour against the fleet sized for peak, and the cost per
// day of serverless against provisioned over traffic (the report's own formulas, replayed).
function deployment(curves) {
  const still = { displayModeBar: false, staticPlot: true, responsive: true };
  const day = curves.day, even = curves.break_even;
  const dayChart = document.getElementById("chart-day");
  const evenChart = document.getElementById("chart-break-even");
  dayChart.hidden = !day;
  evenChart.hidden = !even;
  if (day) {
    Plotly.react("chart-day", [
      { x: day.hours, y: day.autoscaled_replicas, name: "autoscaled", line: { shape: "hv" } },
      { x: [0, 23], y: [day.peak_replicas, day.peak_replicas], name: "sized for peak", mode: "lines" },
    ], { title: { text: `Replicas hour by hour: autoscaling saves ${(day.autoscaling_saving * 100).toFixed(0)}%`, font: { size: 13 } },
      height: 260, margin: { l: 50, r: 10, t: 30, b: 30 }, xaxis: { title: "hour" } }, still);
  } else Plotly.purge("chart-day");
  if (even) {
    Plotly.react("chart-break-even", [
      { x: even.requests_per_day, y: even.serverless_usd_per_day, name: "serverless", mode: "lines" },
      { x: even.requests_per_day, y: even.provisioned_usd_per_day, name: "provisioned", mode: "lines" },
      ...(even.hosted_usd_per_day ? [{ x: even.requests_per_day, y: even.hosted_usd_per_day, name: "hosted API", mode: "lines" }] : []),
    ], { title: { text: "Cost per day (USD) against requests per day", font: { size: 13 } },
      xaxis: { type: "log" }, yaxis: { type: "log" }, height: 260, margin: { l: 50, r: 10, t: 30, b: 30 },
      shapes: [{ type: "line", x0: even.scenario_requests_per_day, x1: even.scenario_requests_per_day,
        yref: "paper", y0: 0, y1: 1, line: { dash: "dash", width: 1 } }] }, still);
  } else Plotly.purge("chart-break-even");
}

async function traffic(scenario, report) {
  const users = report.inputs.daily_active_users;
  const name = report.answer.results[0];
  if (!window.Plotly || !users || !name) { if (window.Plotly) Plotly.purge("chart-traffic"); return; }
  const dau = users.value;
  try {
    const grid = await api("/api/sweep", { scenario, vary: [`dau=${dau / 10}..${dau * 10}:7`], results: name });
    const rows = grid.rows;
    Plotly.react("chart-traffic", [{ x: rows.map((r) => r.dau), y: rows.map((r) => r[name]), mode: "lines+markers" }],
      { title: { text: `${report.results[name].title} against daily users`, font: { size: 13 } },
        xaxis: { type: "log" }, height: 260, margin: { l: 60, r: 10, t: 30, b: 30 } },
      { displayModeBar: false, staticPlot: true, responsive: true });
  } catch (error) { /* the chart is optional: a grid the sweep refuses leaves it as it was */ }
}

// -- presets, share links, pins, downloads --------------------------------------------------

function encode(scenario) {
  const bytes = new TextEncoder().encode(JSON.stringify(scenario));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decode(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function load(scenario) {
  state.extras = {};
  for (const [k, v] of Object.entries(scenario)) if (!ORDER.includes(k)) state.extras[k] = v;
  state.scenario = scenario;
  buildForm();
  run();
}

async function preset(name) {
  const example = await api(`/api/examples/${encodeURIComponent(name)}`);
  load(example.scenario);
}

async function download(format, link) {
  const response = await fetch("/api/export", { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ scenario: readForm(), format, samples: Number($("samples").value) }) });
  const blob = await response.blob();
  link.href = URL.createObjectURL(blob);
}

async function start() {
  state.schema = await api("/api/schema");
  state.commands = await api("/api/commands");
  $("question").addEventListener("change", (event) => {
    state.question = event.target.value;
    $("preset").disabled = state.question !== "scenario";
    $("add-section").parentElement.hidden = state.question !== "scenario";
    if (state.question === "scenario") buildForm(); else buildQuestion(state.question);
    run();
  });
  const examples = await api("/api/examples");
  const select = $("preset");
  for (const e of examples) select.append(el("option", { value: e.name, text: `${e.name}: ${e.title}` }));
  select.addEventListener("change", () => preset(select.value));
  $("samples").addEventListener("change", run);
  $("add-section").addEventListener("change", (event) => {
    const name = event.target.value;
    if (!name) return;
    state.scenario = { ...readForm(), [name]: {} };
    buildForm();
  });
  $("share").addEventListener("click", async () => {
    const url = `${location.origin}${location.pathname}#s=${encode(readForm())}`;
    try { await navigator.clipboard.writeText(url); } catch (e) { /* the address bar has it too */ }
    location.replace(url);
    setStatus("", "");
  });
  $("pin").addEventListener("click", () => {
    state.pinned = state.report;
    $("pin").setAttribute("aria-pressed", "true");
    whatIf(state.report);
  });
  for (const format of ["toml", "markdown", "html", "json"]) {
    const link = $(`dl-${format}`);
    link.addEventListener("click", async (event) => {
      if (link.dataset.ready) { delete link.dataset.ready; return; }
      event.preventDefault();
      await download(format, link);
      link.dataset.ready = "1";
      link.click();
    });
  }
  const shared = location.hash.match(/^#s=(.+)$/);
  if (shared) { try { load(decode(shared[1])); return; } catch (e) { /* a broken link: the default */ } }
  select.value = "smartpal";
  await preset("smartpal");
}

document.addEventListener("DOMContentLoaded", start);
