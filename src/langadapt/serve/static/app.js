// The chat page of `langadapt serve`: plain JavaScript, no build step, nothing fetched from the
// internet. It talks to the same /v1/chat/completions API as any OpenAI client, streaming.
"use strict";

const $ = (id) => document.getElementById(id);
const history = [];          // the conversation: {role, content}
let controller = null;       // aborts the answer being streamed (Stop)

const keyField = $("api-key");
keyField.value = localStorage.getItem("langadapt.apiKey") || "";
keyField.addEventListener("change", () => {
  localStorage.setItem("langadapt.apiKey", keyField.value);
  loadModel();
});

function headers() {
  const h = { "Content-Type": "application/json" };
  if (keyField.value) h.Authorization = "Bearer " + keyField.value;
  return h;
}

function status(text) { $("status").textContent = text; }

async function loadModel() {
  try {
    const response = await fetch("/v1/models", { headers: headers() });
    if (response.status === 401) {
      $("model-name").textContent = "API key needed (Settings)";
      return;
    }
    const body = await response.json();
    $("model-name").textContent = body.data[0].id;
  } catch (err) {
    $("model-name").textContent = "server unreachable";
  }
}

function addMessage(role, text) {
  const box = document.createElement("div");
  box.className = "msg " + role;
  const span = document.createElement("span");
  span.className = "text";
  span.textContent = text;
  box.appendChild(span);
  if (role === "assistant") {
    const copy = document.createElement("button");
    copy.type = "button";
    copy.className = "copy";
    copy.textContent = "Copy";
    copy.addEventListener("click", () => copyText(span.textContent, copy));
    box.appendChild(copy);
  }
  $("messages").appendChild(box);
  box.scrollIntoView({ block: "end" });
  return span;
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (err) {  // no clipboard API (plain http on another host): the old way
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = "Copy"; }, 1200);
}

function settings() {
  const number = (id) => Number($(id).value);
  return { temperature: number("temperature"), top_p: number("top_p"),
           repetition_penalty: number("repetition_penalty"),
           max_tokens: Math.round(number("max_tokens")) };
}

function busy(on) {
  $("send").disabled = on;
  $("stop").disabled = !on;
}

// Server-sent events arrive in arbitrary slices: keep the unfinished line for the next read.
async function* events(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      for (const line of block.split("\n")) {
        if (!line.startsWith("data: ")) continue;
        const data = line.slice(6);
        if (data === "[DONE]") return;
        yield JSON.parse(data);
      }
    }
  }
}

async function send(text) {
  history.push({ role: "user", content: text });
  addMessage("user", text);
  const span = addMessage("assistant", "");
  span.dataset.chunks = "0";
  const messages = $("system").value.trim()
    ? [{ role: "system", content: $("system").value.trim() }, ...history] : [...history];
  controller = new AbortController();
  busy(true);
  status("generating…");
  let answer = "";
  try {
    const response = await fetch("/v1/chat/completions", {
      method: "POST", headers: headers(), signal: controller.signal,
      body: JSON.stringify({ messages, stream: true, ...settings() }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error((body.error && body.error.message) || response.statusText);
    }
    for await (const event of events(response)) {
      if (event.error) throw new Error(event.error.message);
      for (const choice of event.choices || []) {
        const piece = choice.delta && choice.delta.content;
        if (piece) {
          answer += piece;
          span.textContent = answer;
          span.dataset.chunks = String(Number(span.dataset.chunks) + 1);
          span.parentElement.scrollIntoView({ block: "end" });
        }
      }
      if (event.usage) status(`${event.usage.completion_tokens} tokens`);
    }
  } catch (err) {
    if (err.name === "AbortError") {
      status("stopped");
    } else {
      span.parentElement.classList.add("error");
      span.textContent = (answer ? answer + "\n" : "") + "Error: " + err.message;
      status("");
    }
  } finally {
    controller = null;
    busy(false);
  }
  if (answer) history.push({ role: "assistant", content: answer });
  else history.pop();  // unanswered: forget the turn so roles keep alternating
}

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("input").value.trim();
  if (!text || controller) return;
  $("input").value = "";
  send(text);
});
$("input").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});
$("stop").addEventListener("click", () => { if (controller) controller.abort(); });
$("clear").addEventListener("click", () => {
  if (controller) controller.abort();
  history.length = 0;
  $("messages").replaceChildren();
  status("");
});
$("settings-toggle").addEventListener("click", () => {
  const panel = $("settings");
  panel.hidden = !panel.hidden;
  $("settings-toggle").setAttribute("aria-expanded", String(!panel.hidden));
});

loadModel();
