// Package genai reads the requests and answers of model servers, as
// 'llog proxy' sees them pass: the OpenAI-compatible API (OpenAI,
// llama.cpp's llama-server, vLLM, LocalAI and others) and Ollama's API. It
// turns a request body into the model, the prompt in a readable form and
// the sampling parameters ([ParseRequest]), and assembles an answer body,
// whole or streamed as it arrives, into the answer text, the finish
// reasons, the upstream's token counts and any error it reports
// ([Answer]). It knows nothing of HTTP connections or of the store, and
// uses the standard library only.
//
// # Endpoints
//
// [Lookup] recognises POST requests to exactly these paths:
//
//	/v1/chat/completions   openai  chat
//	/v1/completions        openai  text_completion
//	/v1/embeddings         openai  embeddings
//	/v1/responses          openai  chat
//	/api/chat              ollama  chat
//	/api/generate          ollama  text_completion
//	/api/embed             ollama  embeddings
//
// with the provider and operation names of the OpenTelemetry GenAI
// semantic conventions (gen_ai.provider.name, gen_ai.operation.name).
//
// # The readable prompt
//
// Chat messages (/v1/chat/completions, /api/chat) become one block per
// message, "ROLE: TEXT", blocks separated by a blank line:
//
//	system: You are terse.
//
//	user: What is the capital of France?
//
//	assistant: Paris.
//
//	user: And of Italy?
//
// TEXT is the content when it is a string. Content given as an array of
// parts is written one part a line: text parts as their text, an image as
// "[image]", audio as "[audio]", a file as "[file]", any other part as
// "[TYPE]". Each of Ollama's message images adds a line "[image]"; each
// tool call of an assistant message a line "[tool call NAME(ARGUMENTS)]",
// ARGUMENTS being the arguments as sent (OpenAI sends them as a string of
// JSON, Ollama as an object, written as compact JSON). A message with no
// role has the role "unknown".
//
// A Responses request (/v1/responses) is written the same way: its
// instructions as a "system" message, then its input (a string is a "user"
// message; items of type function_call become "assistant: [tool call
// NAME(ARGUMENTS)]", function_call_output items "tool: OUTPUT", other
// non-message items "[TYPE]").
//
// A completion prompt (/v1/completions) is written as it is. A prompt
// given as an array of strings becomes the strings separated by a blank
// line; an array of token ids "[N tokens]". A suffix adds a block
// "suffix: SUFFIX".
//
// An Ollama generate prompt (/api/generate) is written as it is, unless
// the request has a system prompt: then it reads "system: SYSTEM", a blank
// line, "prompt: PROMPT". Each image adds a line "[image]"; a suffix adds
// a block "suffix: SUFFIX".
//
// Embedding input (/v1/embeddings, /api/embed) is written as it is; an
// array of inputs as the inputs separated by a blank line, token ids as
// "[N tokens]".
//
// # The readable answer
//
// The answer text is the assistant's text: the message content (or the
// completion text) of a whole answer, or the concatenation of a stream's
// deltas, followed by one line "[tool call NAME(ARGUMENTS)]" per tool call.
// With several choices (OpenAI's n > 1) each is written as a block
// "choice N: TEXT", blocks separated by a blank line. Reasoning ("thinking")
// text is not part of the answer. Embeddings have no answer text: the
// number of embeddings and their dimensions are reported instead.
//
// # Limits
//
// An [Answer] keeps at most its limit of bytes of a whole body, of the
// longest stream line or event, and of answer text; beyond it the text is
// cut (at a character boundary) and [Result] says so. A stream is decoded
// as it arrives, keeping only the text assembled so far and the line being
// received.
package genai
