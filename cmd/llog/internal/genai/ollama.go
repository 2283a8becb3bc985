package genai

// ollamaObject holds the members of every JSON value Ollama answers with:
// a chat or generate answer or one line of its stream (the same shape), an
// embed answer, or an error.
type ollamaObject struct {
	Model   string `json:"model"`
	Message *struct {
		Content   string     `json:"content"`
		Images    []rawJSON  `json:"images"`
		ToolCalls []toolCall `json:"tool_calls"`
	} `json:"message"`
	Response        *string   `json:"response"`
	Done            bool      `json:"done"`
	DoneReason      string    `json:"done_reason"`
	PromptEvalCount int       `json:"prompt_eval_count"`
	EvalCount       int       `json:"eval_count"`
	Embeddings      []rawJSON `json:"embeddings"`
	Error           rawJSON   `json:"error"`
}

func (a *Answer) ollamaObject(data []byte) {
	var o ollamaObject
	if !a.decode(data, &o) {
		return
	}
	a.setError(errorMessage(o.Error))
	if o.Model != "" {
		a.res.Model = o.Model
	}
	if m := o.Message; m != nil {
		a.addText(0, m.Content)
		for _, tc := range m.ToolCalls {
			a.addTool(0, -1, tc.Function.Name, tc.Function.Arguments)
		}
	}
	if o.Response != nil {
		a.addText(0, *o.Response)
	}
	if o.PromptEvalCount > 0 {
		a.res.TokensIn = o.PromptEvalCount
	}
	if o.EvalCount > 0 {
		a.res.TokensOut = o.EvalCount
	}
	if o.Embeddings != nil {
		var first []byte
		if len(o.Embeddings) > 0 {
			first = o.Embeddings[0]
		}
		a.setEmbeddings(len(o.Embeddings), first)
	}
	if o.Done {
		a.res.Done = true
		a.finish(o.DoneReason)
	}
}
