package genai

import (
	"encoding/json"
	"strings"
)

// openaiObject holds the members of every JSON value an OpenAI-compatible
// server answers with: a chat completion or its chunks, a completion or its
// chunks, an embedding list, a Responses object or one of its stream
// events, or an error.
type openaiObject struct {
	ID      string         `json:"id"`
	Object  string         `json:"object"`
	Model   string         `json:"model"`
	Choices []openaiChoice `json:"choices"`
	Usage   *openaiUsage   `json:"usage"`
	Error   rawJSON        `json:"error"`
	Message string         `json:"message"` // {"object":"error","message":...} (vLLM)

	// Embeddings.
	Data []struct {
		Embedding rawJSON `json:"embedding"`
	} `json:"data"`

	// Responses: the object itself, or a stream event ("type") that may
	// carry a text delta, an output item or the response.
	Type              string          `json:"type"`
	Delta             json.RawMessage `json:"delta"`
	Item              *message        `json:"item"`
	Response          *openaiObject   `json:"response"`
	Status            string          `json:"status"`
	Output            []responseItem  `json:"output"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
}

type openaiChoice struct {
	Index        int            `json:"index"`
	Message      *openaiMessage `json:"message"` // a whole answer
	Delta        *openaiMessage `json:"delta"`   // a streamed chunk
	Text         *string        `json:"text"`    // completions
	FinishReason *string        `json:"finish_reason"`
}

type openaiMessage struct {
	Content   json.RawMessage `json:"content"`
	Refusal   *string         `json:"refusal"`
	ToolCalls []toolCall      `json:"tool_calls"`
}

type openaiUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	InputTokens      int `json:"input_tokens"`
	OutputTokens     int `json:"output_tokens"`
}

// responseItem is an item of a Responses object's output.
type responseItem struct {
	Type      string          `json:"type"`
	Content   json.RawMessage `json:"content"`
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
}

func (a *Answer) openaiObject(data []byte) {
	var o openaiObject
	if !a.decode(data, &o) {
		return
	}
	a.setError(errorMessage(o.Error))
	if o.Object == "error" {
		a.setError(o.Message)
	}
	if o.Type != "" && a.api == Responses {
		a.responsesEvent(&o)
		return
	}
	a.openaiMeta(&o)
	for _, c := range o.Choices {
		m := c.Message
		if m == nil {
			m = c.Delta
		}
		if c.Text != nil {
			a.addText(c.Index, *c.Text)
		}
		if m != nil {
			var b strings.Builder
			renderContent(&b, m.Content)
			a.addText(c.Index, b.String())
			if m.Refusal != nil {
				a.addText(c.Index, *m.Refusal)
			}
			for j, tc := range m.ToolCalls {
				if tc.Index != nil {
					j = *tc.Index
				}
				a.addTool(c.Index, j, tc.Function.Name, tc.Function.Arguments)
			}
		}
		if c.FinishReason != nil {
			a.finish(*c.FinishReason)
		}
	}
	if len(o.Data) > 0 || o.Object == "list" {
		var first []byte
		if len(o.Data) > 0 {
			first = o.Data[0].Embedding
		}
		a.setEmbeddings(len(o.Data), first)
	}
	if o.Object == "response" {
		a.responseObject(&o)
	}
}

// openaiMeta records the model, id and usage of an object.
func (a *Answer) openaiMeta(o *openaiObject) {
	if o.Model != "" {
		a.res.Model = o.Model
	}
	if o.ID != "" {
		a.res.ID = o.ID
	}
	if u := o.Usage; u != nil {
		a.res.TokensIn = max(u.PromptTokens, u.InputTokens)
		a.res.TokensOut = max(u.CompletionTokens, u.OutputTokens)
	}
}

// responsesEvent handles one event of a streamed Responses answer: text
// deltas, finished function calls, the final response, errors.
func (a *Answer) responsesEvent(o *openaiObject) {
	switch o.Type {
	case "response.output_text.delta", "response.refusal.delta":
		if s, ok := asString(o.Delta); ok {
			a.addText(0, s)
		}
	case "response.output_item.done":
		if it := o.Item; it != nil && it.Type == "function_call" {
			a.addTool(0, -1, it.Name, it.Arguments)
		}
	case "response.created", "response.in_progress":
		if o.Response != nil {
			a.openaiMeta(o.Response)
		}
	case "response.completed", "response.incomplete", "response.failed":
		a.res.Done = true
		if r := o.Response; r != nil {
			a.setError(errorMessage(r.Error))
			a.responseObject(r)
		}
	case "error":
		a.setError(o.Message)
	}
}

// responseObject records a whole Responses object: its metadata, its
// status as the finish reason, and its output text when no delta brought
// it.
func (a *Answer) responseObject(o *openaiObject) {
	a.openaiMeta(o)
	switch {
	case o.IncompleteDetails != nil && o.IncompleteDetails.Reason != "":
		a.finish(o.IncompleteDetails.Reason)
	case o.Status != "":
		a.finish(o.Status)
	}
	if a.output {
		return
	}
	for _, it := range o.Output {
		switch it.Type {
		case "message":
			var b strings.Builder
			renderContent(&b, it.Content)
			a.addText(0, b.String())
		case "function_call":
			a.addTool(0, -1, it.Name, it.Arguments)
		}
	}
}
