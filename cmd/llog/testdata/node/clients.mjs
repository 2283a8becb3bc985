// Drives llog proxy with the official clients, as an application would:
// the openai package against OPENAI_BASE_URL, the ollama package against
// OLLAMA_HOST (both the proxy). Each call sends its own W3C traceparent so
// that the test can find its record, and prints one JSON line: what the
// client returned.
import OpenAI from "openai";
import { Ollama } from "ollama";

let seq = 0;
function trace() {
  seq++;
  const id = (0xc11e000 + seq).toString(16).padStart(32, "0");
  return { id, header: `00-${id}-00f067aa0ba902b7-01` };
}

const openai = new OpenAI({ apiKey: "sk-test-not-a-key", maxRetries: 0 });
const ollamaHost = process.env.OLLAMA_HOST;

function ollamaFor(t) {
  return new Ollama({ host: ollamaHost, headers: { traceparent: t.header } });
}

async function call(name, fn) {
  const t = trace();
  const out = { name, trace: t.id, text: null, model: null, tokens_in: null, tokens_out: null, embeddings: null, dimensions: null, error: null };
  try {
    await fn(t, out);
  } catch (e) {
    out.error = `${e.constructor.name}: ${e.status ?? e.status_code ?? ""} ${e.message}`.trim();
  }
  console.log(JSON.stringify(out));
}

const opts = (t) => ({ headers: { traceparent: t.header } });

await call("openai chat", async (t, out) => {
  const r = await openai.chat.completions.create(
    { model: "qwen2.5", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Capital of France? Mail me at jane.doe@example.com" }], temperature: 0.3, max_tokens: 50 },
    opts(t),
  );
  out.text = r.choices[0].message.content;
  out.model = r.model;
  out.tokens_in = r.usage.prompt_tokens;
  out.tokens_out = r.usage.completion_tokens;
});

await call("openai chat stream", async (t, out) => {
  const stream = await openai.chat.completions.create(
    { model: "qwen2.5", messages: [{ role: "user", content: "Count to five, slowly." }], stream: true, stream_options: { include_usage: true } },
    opts(t),
  );
  out.text = "";
  for await (const chunk of stream) {
    out.model = chunk.model;
    if (chunk.choices.length > 0) out.text += chunk.choices[0].delta.content ?? "";
    if (chunk.usage) {
      out.tokens_in = chunk.usage.prompt_tokens;
      out.tokens_out = chunk.usage.completion_tokens;
    }
  }
});

await call("openai completion", async (t, out) => {
  const r = await openai.completions.create({ model: "phi-3", prompt: "Once upon a time", max_tokens: 16 }, opts(t));
  out.text = r.choices[0].text;
  out.model = r.model;
  out.tokens_in = r.usage.prompt_tokens;
  out.tokens_out = r.usage.completion_tokens;
});

await call("openai embeddings", async (t, out) => {
  const r = await openai.embeddings.create({ model: "nomic-embed-text", input: ["first text", "second text"] }, opts(t));
  out.model = r.model;
  out.embeddings = r.data.length;
  out.dimensions = r.data[0].embedding.length;
  out.tokens_in = r.usage.prompt_tokens;
});

await call("openai responses stream", async (t, out) => {
  const stream = await openai.responses.create({ model: "gpt-oss", instructions: "Answer briefly.", input: "Say hello", stream: true }, opts(t));
  out.text = "";
  for await (const ev of stream) {
    if (ev.type === "response.output_text.delta") out.text += ev.delta;
    if (ev.type === "response.completed") {
      out.model = ev.response.model;
      out.tokens_in = ev.response.usage.input_tokens;
      out.tokens_out = ev.response.usage.output_tokens;
    }
  }
});

await call("openai chat missing model", async (t, out) => {
  await openai.chat.completions.create({ model: "missing", messages: [{ role: "user", content: "hi" }] }, opts(t));
});

await call("ollama chat", async (t, out) => {
  const r = await ollamaFor(t).chat({ model: "llama3.2", messages: [{ role: "user", content: "Why is the sky blue?" }], stream: false, options: { temperature: 0.7, num_predict: 64 } });
  out.text = r.message.content;
  out.model = r.model;
  out.tokens_in = r.prompt_eval_count;
  out.tokens_out = r.eval_count;
});

await call("ollama chat stream", async (t, out) => {
  const stream = await ollamaFor(t).chat({ model: "llama3.2", messages: [{ role: "user", content: "Tell me a short story." }], stream: true });
  out.text = "";
  for await (const part of stream) {
    out.model = part.model;
    out.text += part.message.content;
    if (part.done) {
      out.tokens_in = part.prompt_eval_count;
      out.tokens_out = part.eval_count;
    }
  }
});

await call("ollama generate", async (t, out) => {
  const r = await ollamaFor(t).generate({ model: "llama3.2", system: "Be terse.", prompt: "Name a colour.", stream: false });
  out.text = r.response;
  out.model = r.model;
  out.tokens_in = r.prompt_eval_count;
  out.tokens_out = r.eval_count;
});

await call("ollama generate stream", async (t, out) => {
  const stream = await ollamaFor(t).generate({ model: "llama3.2", prompt: "Write a haiku.", stream: true });
  out.text = "";
  for await (const part of stream) {
    out.model = part.model;
    out.text += part.response;
    if (part.done) {
      out.tokens_in = part.prompt_eval_count;
      out.tokens_out = part.eval_count;
    }
  }
});

await call("ollama embed", async (t, out) => {
  const r = await ollamaFor(t).embed({ model: "all-minilm", input: ["a sentence", "another one"] });
  out.model = r.model;
  out.embeddings = r.embeddings.length;
  out.dimensions = r.embeddings[0].length;
  out.tokens_in = r.prompt_eval_count;
});

await call("ollama chat missing model", async (t, out) => {
  await ollamaFor(t).chat({ model: "missing", messages: [{ role: "user", content: "hi" }], stream: false });
});
