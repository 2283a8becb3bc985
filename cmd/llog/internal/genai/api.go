package genai

// API is one model endpoint the proxy recognises.
type API int

// The recognised endpoints. Their paths are exact: a trailing slash, a
// prefix or another method is not a model call.
const (
	ChatCompletions API = iota + 1 // OpenAI-compatible POST /v1/chat/completions
	Completions                    // OpenAI-compatible POST /v1/completions
	Embeddings                     // OpenAI-compatible POST /v1/embeddings
	Responses                      // OpenAI-compatible POST /v1/responses
	OllamaChat                     // Ollama POST /api/chat
	OllamaGenerate                 // Ollama POST /api/generate
	OllamaEmbed                    // Ollama POST /api/embed
)

// Providers, as gen_ai.provider.name.
const (
	ProviderOpenAI = "openai" // OpenAI and every OpenAI-compatible server
	ProviderOllama = "ollama"
)

// Operations, as gen_ai.operation.name.
const (
	OpChat           = "chat"
	OpTextCompletion = "text_completion"
	OpEmbeddings     = "embeddings"
)

var apis = [...]struct {
	path, provider, operation string
}{
	ChatCompletions: {"/v1/chat/completions", ProviderOpenAI, OpChat},
	Completions:     {"/v1/completions", ProviderOpenAI, OpTextCompletion},
	Embeddings:      {"/v1/embeddings", ProviderOpenAI, OpEmbeddings},
	Responses:       {"/v1/responses", ProviderOpenAI, OpChat},
	OllamaChat:      {"/api/chat", ProviderOllama, OpChat},
	OllamaGenerate:  {"/api/generate", ProviderOllama, OpTextCompletion},
	OllamaEmbed:     {"/api/embed", ProviderOllama, OpEmbeddings},
}

// Lookup returns the API of a request, and false when the request is not a
// model call the proxy records.
func Lookup(method, path string) (API, bool) {
	if method != "POST" {
		return 0, false
	}
	for a := ChatCompletions; a <= OllamaEmbed; a++ {
		if apis[a].path == path {
			return a, true
		}
	}
	return 0, false
}

// Path returns the API's URL path.
func (a API) Path() string { return apis[a].path }

// Provider returns gen_ai.provider.name: "openai" or "ollama".
func (a API) Provider() string { return apis[a].provider }

// Operation returns gen_ai.operation.name: "chat", "text_completion" or
// "embeddings".
func (a API) Operation() string { return apis[a].operation }

// String returns the API's path.
func (a API) String() string { return a.Path() }

func (a API) ollama() bool { return a.Provider() == ProviderOllama }
