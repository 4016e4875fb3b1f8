import EncoderDecoder
import MaskedLM
import NeuralCore
import TextNormalization
import Tokenization
import TransformerLM

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
    /// The language model and its training: `TransformerLM`'s `LanguageModelSettings`, whose defaults
    /// `tessera train-lm` shares; `lm.arch` picks the family (a recurrent one reads `lm.hidden`,
    /// `lm.embedDim`, `lm.projection`, `lm.carryState`). Default: a Transformer of 4 layers, 4 heads,
    /// dim 128, context 128, 1,500 steps.
    public var lm = LanguageModelStage()

    /// Options of the language model stage: the settings `train-lm` takes too, with the same defaults.
    public typealias LanguageModelStage = LanguageModelSettings
    /// The recurrent baselines of `lm.baselines`. Default: 2 layers, sized to the main model's
    /// parameter count, trained for its wall time.
    public var baseline = BaselineStage()
    /// Samples generated at the end. Default: two prompts, 200 tokens each.
    public var generate = GenerateStage()
    /// The translation track: sentence pairs → joint tokenizer → encoder–decoder → BLEU/chrF →
    /// report section. Default: on, a small Transformer on the bundled English–Korean sample for
    /// 2 minutes.
    public var translation = TranslationStage()
    /// The masked-LM track: held-out split → WordPiece tokenizer → BERT pretraining → held-out
    /// accuracy and fill-mask examples → report section. Default: on, a 2-layer BERT for 3.5 minutes.
    public var mlm = MLMStage()
    /// What the report shows. Default: an English and a Korean sentence, a few neighbour words.
    public var report = ReportStage()

    /// The default configuration: the whole chain on the bundled corpus in a few minutes.
    public init() {}
}

extension PipelineConfig: StrictJSON.Choices {
    /// The values each enum field takes in JSON.
    public static var choices: [String: [String]] {
        [
            "normalize.form": NormalizationForm.allCases.map(\.rawValue),
            "tokenizer.model": TokenizerRecipe.Kind.allCases.map(\.rawValue),
            "lm.positions": ModelConfig.Positions.allCases.map(\.rawValue),
            "lm.norm": ModelConfig.Norm.allCases.map(\.rawValue),
            "lm.activation": ModelConfig.Activation.allCases.map(\.rawValue),
            "lm.ffn": ModelConfig.FFN.allCases.map(\.rawValue),
            "lm.windows": WindowSampling.allCases.map(\.rawValue),
            "lm.arch": LanguageModelArchitecture.allCases.map(\.rawValue),
            "translation.arch": Seq2SeqConfig.Architecture.allCases.map(\.rawValue),
            "translation.cell": RecurrentCell.allCases.map(\.rawValue),
            "mlm.norm": BertConfig.Norm.allCases.map(\.rawValue),
            "mlm.activation": BertActivation.allCases.map(\.rawValue),
        ]
    }
}
