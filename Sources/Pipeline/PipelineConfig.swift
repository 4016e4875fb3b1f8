/// Everything a pipeline run does, as JSON. Every field has a default (shown in its comment);
/// a file needs only the fields it changes, and an unknown field or a wrong type is an error
/// naming the field (see ``StrictJSON``).
///
/// ```json
/// { "corpora": ["Corpora/en"], "tokenizer": { "vocabSize": 8000 }, "lm": { "steps": 3000 } }
/// ```
public struct PipelineConfig: Codable, Sendable, Equatable {
    /// Corpus files or directories (every `*.txt` inside, sorted), relative to the working
    /// directory. Default: `["Corpora/en", "Corpora/ko"]`.
    public var corpora: [String] = ["Corpora/en", "Corpora/ko"]
    /// Fraction of the encoded corpus (its tail, cut at a document boundary when one is near)
    /// held out for validation. Default: 0.05.
    public var validationFraction: Double = 0.05
    /// Text normalization. Default: NFKC with BERT clean-up, case kept. CRLF line ends always become LF.
    public var normalize = NormalizeStage()
    /// Vocabulary training. Default: byte-level BPE, 4,096 ids.
    public var tokenizer = TokenizerStage()
    /// Word2Vec on the subword ids. Default: on, window 5, 5 negatives, 5 epochs.
    public var embeddings = EmbeddingsStage()
    /// The language model and its training. Default: 4 layers, 4 heads, dim 128, context 128.
    public var lm = LanguageModelStage()
    /// Samples generated at the end. Default: two prompts, 200 tokens each.
    public var generate = GenerateStage()
    /// What the report shows. Default: an English and a Korean sentence, a few neighbour words.
    public var report = ReportStage()

    /// The default configuration: the whole chain on the bundled corpus in a few minutes.
    public init() {}

    /// Options of the normalize stage.
    public struct NormalizeStage: Codable, Sendable, Equatable {
        /// `none`, `nfc`, `nfd`, `nfkc` or `nfkd`. Default: `nfkc`.
        public var form = "nfkc"
        /// Lowercase everything. Default: false.
        public var lowercase = false
        /// BERT clean-up (drop control characters, unify whitespace; line ends kept). Default: true.
        public var clean = true
        /// Replace invalid UTF-8 with U+FFFD instead of stopping. Default: false.
        public var replaceInvalid = false
        public init() {}
    }

    /// Options of the tokenizer stage.
    public struct TokenizerStage: Codable, Sendable, Equatable {
        /// `byte-bpe`, `bpe` or `wordpiece`. Default: `byte-bpe`.
        public var model = "byte-bpe"
        /// Vocabulary size, special tokens included. Default: 4096.
        public var vocabSize = 4096
        /// Least count of a pair to be merged. Default: 2.
        public var minFrequency = 2
        /// Special tokens, given the first ids. Default: `["<|endoftext|>"]`.
        public var specialTokens = ["<|endoftext|>"]
        public init() {}
    }

    /// Options of the Word2Vec stage (the vector size is the LM's `dim`).
    public struct EmbeddingsStage: Codable, Sendable, Equatable {
        /// Train Word2Vec and initialize the LM's token embeddings from it. Default: true.
        public var enabled = true
        /// Context window. Default: 5.
        public var window = 5
        /// Negative samples per positive. Default: 5.
        public var negative = 5
        /// Sub-sampling threshold. Default: 0.001.
        public var sample = 0.001
        /// Ids seen fewer times keep a random initialization. Default: 2.
        public var minCount = 2
        /// Passes over the corpus. Default: 5.
        public var epochs = 5
        /// Initial learning rate. Default: 0.025.
        public var alpha = 0.025
        /// Training threads. Default: 2.
        public var threads = 2
        /// Random seed. Default: 1.
        public var seed = 1
        public init() {}
    }

    /// Options of the language model stage.
    public struct LanguageModelStage: Codable, Sendable, Equatable {
        /// Transformer blocks. Default: 4.
        public var layers = 4
        /// Attention heads. Default: 4.
        public var heads = 4
        /// Model width (and Word2Vec vector size). Default: 128.
        public var dim = 128
        /// Feed-forward width. Default: 512.
        public var ffnDim = 512
        /// Context length in tokens. Default: 128.
        public var context = 128
        /// Sequences per step. Default: 16.
        public var batch = 16
        /// Optimizer steps. Default: 2500.
        public var steps = 2500
        /// Peak learning rate. Default: 0.002.
        public var lr = 0.002
        /// Linear warm-up steps. Default: 100.
        public var warmup = 100
        /// AdamW decoupled weight decay. Default: 0.1.
        public var weightDecay = 0.1
        /// Global gradient-norm clip. Default: 1.0.
        public var clip = 1.0
        /// Dropout probability. Default: 0.
        public var dropout = 0.0
        /// `sinusoidal` or `learned`. Default: `learned`.
        public var positions = "learned"
        /// `pre` or `post` layer norm. Default: `pre`.
        public var norm = "pre"
        /// `gelu` or `relu`. Default: `gelu`.
        public var activation = "gelu"
        /// `dense` or `moe`. Default: `dense`.
        public var ffn = "dense"
        /// Experts, with `moe`. Default: 4.
        public var experts = 4
        /// Experts per token, with `moe`. Default: 2.
        public var topK = 2
        /// Share the token embedding with the output layer. Default: true.
        public var tieEmbeddings = true
        /// Validation loss every this many steps. Default: 100.
        public var evalEvery = 100
        /// Checkpoint every this many steps (the run resumes from the last one). Default: 250.
        public var checkpointEvery = 250
        /// Threads. Default: 2.
        public var threads = 2
        /// Random seed. Default: 1.
        public var seed = 1
        public init() {}
    }

    /// Options of the generate stage.
    public struct GenerateStage: Codable, Sendable, Equatable {
        /// Prompts, one sample each. Default: an English and a Korean one.
        public var prompts = ["Alice was beginning to", "대한민국은"]
        /// Tokens per sample. Default: 200.
        public var maxTokens = 200
        /// Sampling temperature. Default: 0.8.
        public var temperature = 0.8
        /// Sample among the k likeliest tokens (0: all). Default: 40.
        public var topK = 40
        /// Random seed. Default: 1.
        public var seed = 1
        public init() {}
    }

    /// Options of the report.
    public struct ReportStage: Codable, Sendable, Equatable {
        /// Sentences shown tokenized, one colour per token. Default: an English and a Korean one.
        public var exampleSentences = [
            "The Queen of Hearts, she made some tarts, all on a summer day.",
            "모든 국민은 법 앞에 평등하다.",
        ]
        /// Tokens whose nearest Word2Vec neighbours are listed. Default: a few frequent words.
        public var neighbourTokens = [" king", " said", " Alice", " man", " God"]
        /// Frequent tokens placed on the PCA plot. Default: 150.
        public var pcaTokens = 150
        /// Text whose attention weights are drawn (last layer, first head). Default: a short sentence.
        public var attentionText = "Alice was beginning to get very tired"
        public init() {}
    }
}
