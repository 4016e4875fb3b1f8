import TextNormalization

/// A complete tokenizer: normalizer → pre-tokenizer → model → post-processor → decoder, with
/// added tokens matched whole in the input. Encodes id-for-id like Hugging Face `tokenizers`
/// for the components it reads (see ``TokenizerFile``).
///
/// For bulk work make a ``TokenizerSession`` per thread: it keeps a word cache and buffers.
///
/// ```swift
/// let tok = try Tokenizer.load(fromFile: "Vocab/en-bpe-8k.json")
/// let ids = tok.encode("Hello world")
/// tok.decode(ids)   // "Hello world"
/// ```
public struct Tokenizer: TokenCodec {
    // MARK: Components

    /// Text normalization before splitting.
    public var normalizer: Normalizer
    /// The word split.
    public var preTokenization: PreTokenization
    /// Words to tokens.
    public var model: TokenModel
    /// Special tokens added by `addSpecialTokens`.
    public var postProcessor: PostProcessor
    /// Ids back to text.
    public var decoder: TokenDecoder
    /// Tokens matched whole in the input (specials and user additions).
    public private(set) var addedTokens: [AddedToken]
    /// Whether added tokens are looked for in input text.
    public var matchAddedTokens: Bool = true
    /// The `tokenizer.json` components as the file composes them, when the tokenizer is not one
    /// of the fixed shapes above (GPT-2 byte level, BERT, whitespace); encoding and decoding
    /// then go through them.
    package var pipeline: ComponentPipeline?
    /// Bytes each id decodes to under the byte-level decoder (empty otherwise): offsets into ``decodeArena``.
    let decodeStarts: [Int32]
    let decodeArena: [UInt8]
    private let addedByID: [UInt32: AddedToken]

    /// Assembles a tokenizer. Added tokens must have ids inside the vocabulary or just after it.
    public init(
        normalizer: Normalizer = Normalizer(), preTokenization: PreTokenization, model: TokenModel,
        postProcessor: PostProcessor = PostProcessor(), decoder: TokenDecoder, addedTokens: [AddedToken] = []
    ) {
        self.init(
            normalizer: normalizer, preTokenization: preTokenization, model: model, postProcessor: postProcessor,
            decoder: decoder, addedTokens: addedTokens, pipeline: nil)
    }

    /// Assembles a tokenizer whose components are composed by `pipeline`.
    package init(model: TokenModel, addedTokens: [AddedToken], pipeline: ComponentPipeline) {
        self.init(preTokenization: .none, model: model, decoder: .none, addedTokens: addedTokens, pipeline: pipeline)
    }

    private init(
        normalizer: Normalizer = Normalizer(), preTokenization: PreTokenization, model: TokenModel,
        postProcessor: PostProcessor = PostProcessor(), decoder: TokenDecoder, addedTokens: [AddedToken], pipeline: ComponentPipeline?
    ) {
        self.pipeline = pipeline
        self.normalizer = normalizer
        self.preTokenization = preTokenization
        self.model = model
        self.postProcessor = postProcessor
        self.decoder = decoder
        self.addedTokens = addedTokens
        var byID: [UInt32: AddedToken] = [:]
        for t in addedTokens { byID[t.id] = t }
        self.addedByID = byID
        var starts: [Int32] = [0]
        var arena: [UInt8] = []
        if decoder == .byteLevel {
            for token in model.vocabulary.tokens {
                for scalar in token.unicodeScalars {
                    if let b = ByteLevelAlphabet.byte(for: scalar) {
                        arena.append(b)
                    } else {
                        arena.append(contentsOf: Array(String(scalar).utf8))
                    }
                }
                starts.append(Int32(arena.count))
            }
        }
        decodeStarts = starts
        decodeArena = arena
    }

    // MARK: TokenCodec

    /// Number of ids: the model's vocabulary plus added tokens beyond it.
    public var vocabularySize: Int {
        max(model.vocabulary.count, (addedTokens.map { Int($0.id) }.max() ?? -1) + 1)
    }

    /// The id of `<|endoftext|>` (or `</s>`, `[SEP]`), if present.
    public var endOfTextID: UInt32? {
        for name in ["<|endoftext|>", "</s>", "<eos>", "[SEP]"] {
            if let t = addedTokens.first(where: { $0.content == name }) { return t.id }
            if let id = model.vocabulary.id(for: name) { return id }
        }
        return nil
    }

    /// Encodes text without special tokens.
    public func encode(_ text: String) -> [UInt32] {
        let session = TokenizerSession(self)
        var ids: [UInt32] = []
        var copy = text
        copy.withUTF8 { session.encode($0, addSpecialTokens: false, ids: &ids) }
        return ids
    }

    /// Decodes ids to text (special tokens kept); invalid UTF-8 becomes U+FFFD.
    public func decode(_ ids: [UInt32]) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }

    /// The token string of `id`.
    public func token(for id: UInt32) -> String? {
        if let t = addedByID[id] { return t.content }
        return model.vocabulary.token(id)
    }

    /// Every id's token string below ``vocabularySize``, as ``token(for:)`` gives it (`""` where
    /// it gives nil), for a caller that reads many: `token(for:)` copies the model out of its enum
    /// on every call.
    package func tokenStrings() -> [String] {
        var texts = model.vocabulary.tokens
        texts += [String](repeating: "", count: vocabularySize - texts.count)
        for (id, t) in addedByID { texts[Int(id)] = t.content }
        return texts
    }

    /// The id of a token string (added tokens included).
    public func id(for token: String) -> UInt32? {
        if let t = addedTokens.first(where: { $0.content == token }) { return t.id }
        return model.vocabulary.id(for: token)
    }

    // MARK: Decoding

    /// Decodes ids to bytes (for byte-level models, exactly the bytes that were encoded).
    public func decodeBytes(_ ids: [UInt32], skipSpecialTokens: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        if let pipeline {
            var tokens: [String] = []
            for id in ids {
                if let t = addedByID[id] {
                    if skipSpecialTokens && t.special { continue }
                    // A normalized added token reads as its normalized content (as Hugging Face keeps it).
                    if t.normalized, let n = pipeline.normalizer { tokens.append(n.normalize(t.content)); continue }
                }
                if let s = token(for: id) { tokens.append(s) }
            }
            if let d = pipeline.decoder { return Array(d.decodeChain(tokens).joined().utf8) }
            return Array(tokens.joined(separator: " ").utf8)
        }
        switch decoder {
        case .byteLevel:
            decodeArena.withUnsafeBufferPointer { arena in
                for id in ids {
                    if let t = addedByID[id] {
                        if !(skipSpecialTokens && t.special) { out.append(contentsOf: Array(t.content.utf8)) }
                    } else if Int(id) + 1 < decodeStarts.count {
                        out.append(contentsOf: arena[Int(decodeStarts[Int(id)])..<Int(decodeStarts[Int(id) + 1])])
                    }
                }
            }
        default:
            var tokens: [String] = []
            for id in ids {
                if let t = addedByID[id], skipSpecialTokens && t.special { continue }
                if let s = token(for: id) { tokens.append(s) }
            }
            out = Array(decodeTokens(tokens).utf8)
        }
        return out
    }

    private func decodeTokens(_ tokens: [String]) -> String {
        switch decoder {
        case .none, .byteLevel:
            return tokens.joined(separator: " ")
        case .wordPiece(let prefix, let cleanup):
            var out = ""
            for (i, var token) in tokens.enumerated() {
                if i != 0 {
                    if token.hasPrefix(prefix) { token.removeFirst(prefix.count) } else { token = " " + token }
                }
                if cleanup { token = Tokenizer.cleanup(token) }
                out += token
            }
            return out
        case .bpeSuffix(let suffix):
            var out = ""
            for (i, token) in tokens.enumerated() {
                out += token.replacingAll(suffix, with: i == tokens.count - 1 ? "" : " ")
            }
            return out
        }
    }

    /// Hugging Face's WordPiece decoder clean-up of spaces before punctuation and contractions.
    static func cleanup(_ s: String) -> String {
        var t = s
        for (a, b) in [
            (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
            (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
        ] {
            t = t.replacingAll(a, with: b)
        }
        return t
    }
}
