import ArtifactIO
import Foundation
import TextNormalization

/// Reading every `tokenizer.json` component into a ``ComponentPipeline``. Errors name the
/// file, the JSON path of the component, and what was expected.
extension TokenizerFile {
    static func parseComponents(_ root: JSONValue, source: String) throws -> Tokenizer {
        let added = try parseAddedTokens(root, source: source)
        guard let modelObject = root["model"], modelObject.pairs != nil else {
            throw TokenizerError.malformed(source: source, what: "model: expected an object")
        }
        let model = try componentModel(modelObject, source: source)
        try checkAddedTokenIDs(added, vocabularySize: model.vocabulary.count, source: source)
        var pipeline = ComponentPipeline()
        if let n = root["normalizer"], !n.isNull { pipeline.normalizer = try normalizerComponent(n, path: "normalizer", source: source) }
        if let p = root["pre_tokenizer"], !p.isNull {
            pipeline.preTokenizer = try preTokenizerComponent(p, path: "pre_tokenizer", source: source)
        }
        if let p = root["post_processor"], !p.isNull {
            pipeline.postProcessor = try postProcessorComponent(
                p, path: "post_processor", vocabulary: model.vocabulary, added: added, source: source)
        }
        if let d = root["decoder"], !d.isNull { pipeline.decoder = try decoderComponent(d, path: "decoder", source: source) }
        return fastShape(model: model, added: added, pipeline: pipeline) ?? Tokenizer(model: model, addedTokens: added, pipeline: pipeline)
    }

    /// Llama 3 / tiktoken layout — `Split(regex, Isolated)` + `ByteLevel(use_regex: false)`, a
    /// plain byte-level BPE, no normalizer, raw added tokens, a template (or ByteLevel without
    /// trimming) post-processor — runs on the fast byte-level encoder with the pattern's scanner.
    static func fastShape(model: TokenModel, added: [AddedToken], pipeline: ComponentPipeline) -> Tokenizer? {
        guard pipeline.normalizer == nil, case .bpe(let bpe) = model, bpe.continuingSubwordPrefix == nil, bpe.endOfWordSuffix == nil,
            !bpe.byteFallback, !added.contains(where: { $0.singleWord || $0.normalized }),
            let sequence = pipeline.preTokenizer as? SequencePreTokenizer, sequence.preTokenizers.count == 2,
            let split = sequence.preTokenizers[0] as? SplitPreTokenizer, split.behavior == .isolated, !split.invert,
            case .regex(let pattern, .scanner) = split.pattern,
            let byteLevel = sequence.preTokenizers[1] as? ByteLevelPreTokenizerComponent, !byteLevel.addPrefixSpace, !byteLevel.useRegex,
            let decoder = pipeline.decoder as? ClassicDecoder, decoder.decoder == .byteLevel
        else { return nil }
        var prefix: [AddedToken] = [], suffix: [AddedToken] = []
        var processors: [any PostProcessorComponent] = []
        if let post = pipeline.postProcessor { processors = (post as? SequencePostProcessor)?.processors ?? [post] }
        for p in processors {
            if let b = p as? ByteLevelPostProcessor { if b.trimOffsets { return nil }; continue }
            guard let t = p as? TemplatePostProcessor, case .template = t.kind else { return nil }
            prefix += t.prefix; suffix += t.suffix
        }
        var fast = pipeline
        fast.encodesWithFastPath = true
        var tokenizer = Tokenizer(model: model, addedTokens: added, pipeline: fast)
        tokenizer.preTokenization = .byteLevelSplit(pattern: pattern)
        tokenizer.postProcessor = PostProcessor(prefix: prefix, suffix: suffix)
        return tokenizer
    }

    // MARK: Helpers

    private static func componentType(_ object: JSONValue, path: String, source: String) throws -> String {
        guard object.pairs != nil, let type = object["type"]?.string else {
            throw TokenizerError.malformed(source: source, what: "\(path): expected an object with a string \"type\"")
        }
        return type
    }

    private static func unknown(_ kind: String, _ type: String, path: String, source: String) -> TokenizerError {
        .malformed(source: source, what: "\(path): unknown \(kind) type \(quoted(type))")
    }

    private static func bool(_ object: JSONValue, _ key: String, _ fallback: Bool, path: String, source: String) throws -> Bool {
        guard let v = object[key], !v.isNull else { return fallback }
        guard let b = v.bool else { throw TokenizerError.malformed(source: source, what: "\(path).\(key): expected true or false") }
        return b
    }

    private static func string(_ object: JSONValue, _ key: String, path: String, source: String) throws -> String {
        guard let s = object[key]?.string else { throw TokenizerError.malformed(source: source, what: "\(path).\(key): expected a string") }
        return s
    }

    private static func list(_ object: JSONValue, _ key: String, path: String, source: String) throws -> [JSONValue] {
        guard let a = object[key]?.array else { throw TokenizerError.malformed(source: source, what: "\(path).\(key): expected an array") }
        return a
    }

    private static func pattern(_ object: JSONValue, path: String, source: String) throws -> TextPattern {
        guard let p = object["pattern"] else {
            throw TokenizerError.malformed(source: source, what: "\(path).pattern: expected {\"String\": …} or {\"Regex\": …}")
        }
        if let s = p["String"]?.string { return .string(s) }
        if let r = p["Regex"]?.string {
            do { return try TextPattern.regex(r) } catch let error as ICURegex.CompileError {
                throw TokenizerError.malformed(
                    source: source,
                    what: "\(path).pattern.Regex: \(quoted(r)) does not compile (ICU error \(error.status) at offset \(error.offset))")
            }
        }
        throw TokenizerError.malformed(source: source, what: "\(path).pattern: expected {\"String\": …} or {\"Regex\": …}")
    }

    private static func singleCharacter(_ s: String, path: String, source: String) throws -> UInt32 {
        guard s.unicodeScalars.count == 1, let c = s.unicodeScalars.first else {
            throw TokenizerError.malformed(source: source, what: "\(path): expected one character, found \(quoted(s))")
        }
        return c.value
    }

    // MARK: Normalizers

    static func normalizerComponent(_ object: JSONValue, path: String, source: String) throws -> any NormalizerComponent {
        let type = try componentType(object, path: path, source: source)
        if let form = UnicodeFormNormalizer(type: type) { return form }
        switch type {
        case "Sequence":
            let items = try list(object, "normalizers", path: path, source: source)
            return SequenceNormalizer(
                normalizers: try items.enumerated().map { try normalizerComponent($1, path: "\(path).normalizers[\($0)]", source: source) })
        case "StripAccents": return StripAccentsNormalizer()
        case "BertNormalizer":
            let lower = try bool(object, "lowercase", true, path: path, source: source)
            let strip: Bool? = object["strip_accents"]?.bool
            return BertNormalizerComponent(
                cleanText: try bool(object, "clean_text", true, path: path, source: source),
                handleChineseChars: try bool(object, "handle_chinese_chars", true, path: path, source: source),
                stripAccents: strip, lowercase: lower)
        case "Replace":
            return ReplaceNormalizer(
                pattern: try pattern(object, path: path, source: source), content: try string(object, "content", path: path, source: source)
            )
        case "Prepend": return PrependNormalizer(prepend: try string(object, "prepend", path: path, source: source))
        case "Strip":
            return StripNormalizer(
                left: try bool(object, "strip_left", true, path: path, source: source),
                right: try bool(object, "strip_right", true, path: path, source: source))
        case "Nmt": return NmtNormalizer()
        case "ByteLevel": return ByteLevelNormalizer()
        case "Precompiled":
            let text = try string(object, "precompiled_charsmap", path: path, source: source)
            guard let data = Data(base64Encoded: text) else {
                throw TokenizerError.malformed(source: source, what: "\(path).precompiled_charsmap: expected base64")
            }
            return PrecompiledNormalizer(charsmap: try PrecompiledCharsmap(Array(data), source: "\(source): \(path)"))
        default:
            throw unknown("normalizer", type, path: path, source: source)
        }
    }

    // MARK: Pre-tokenizers

    static func preTokenizerComponent(_ object: JSONValue, path: String, source: String) throws -> any PreTokenizerComponent {
        let type = try componentType(object, path: path, source: source)
        func behavior(_ fallback: SplitBehavior) throws -> SplitBehavior {
            guard let b = object["behavior"], !b.isNull else { return fallback }
            guard let name = b.string, let value = SplitBehavior(rawValue: name) else {
                throw TokenizerError.malformed(
                    source: source, what: "\(path).behavior: expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous")
            }
            return value
        }
        switch type {
        case "Sequence":
            let items = try list(object, "pretokenizers", path: path, source: source)
            return SequencePreTokenizer(
                preTokenizers: try items.enumerated().map {
                    try preTokenizerComponent($1, path: "\(path).pretokenizers[\($0)]", source: source)
                })
        case "Split":
            return SplitPreTokenizer(
                pattern: try pattern(object, path: path, source: source), behavior: try behavior(.removed),
                invert: try bool(object, "invert", false, path: path, source: source))
        case "ByteLevel":
            return ByteLevelPreTokenizerComponent(
                addPrefixSpace: try bool(object, "add_prefix_space", true, path: path, source: source),
                trimOffsets: try bool(object, "trim_offsets", true, path: path, source: source),
                useRegex: try bool(object, "use_regex", true, path: path, source: source))
        case "Metaspace":
            let replacement = try singleCharacter(object["replacement"]?.string ?? "\u{2581}", path: "\(path).replacement", source: source)
            var scheme = PrependScheme.always
            if let s = object["prepend_scheme"]?.string {
                guard let value = PrependScheme(rawValue: s) else {
                    throw TokenizerError.malformed(source: source, what: "\(path).prepend_scheme: expected first, always or never")
                }
                scheme = value
            } else if let add = object["add_prefix_space"]?.bool {
                scheme = add ? .always : .never
            }
            return MetaspacePreTokenizer(
                replacement: replacement, prependScheme: scheme, splitPieces: try bool(object, "split", true, path: path, source: source))
        case "Whitespace": return try WhitespacePreTokenizerComponent()
        case "WhitespaceSplit": return CharacterSplitPreTokenizer(kind: .whitespaceSplit)
        case "BertPreTokenizer": return CharacterSplitPreTokenizer(kind: .bert)
        case "Punctuation": return CharacterSplitPreTokenizer(kind: .punctuation(try behavior(.isolated)))
        case "Digits":
            return CharacterSplitPreTokenizer(
                kind: .digits(individual: try bool(object, "individual_digits", false, path: path, source: source)))
        case "CharDelimiterSplit":
            return CharacterSplitPreTokenizer(
                kind: .delimiter(
                    try singleCharacter(
                        try string(object, "delimiter", path: path, source: source), path: "\(path).delimiter", source: source)))
        case "UnicodeScripts": return UnicodeScriptsPreTokenizer()
        default:
            throw unknown("pre_tokenizer", type, path: path, source: source)
        }
    }

    // MARK: Post-processors

    static func postProcessorComponent(_ object: JSONValue, path: String, vocabulary: Vocabulary, added: [AddedToken], source: String)
        throws -> any PostProcessorComponent
    {
        let type = try componentType(object, path: path, source: source)
        func token(_ key: String) throws -> AddedToken {
            guard let p = object[key]?.array, p.count == 2, let content = p[0].string, let id = p[1].int, id >= 0 else {
                throw TokenizerError.malformed(source: source, what: "\(path).\(key): expected [token, id]")
            }
            return AddedToken(id: UInt32(id), content: content)
        }
        switch type {
        case "Sequence":
            let items = try list(object, "processors", path: path, source: source)
            return SequencePostProcessor(
                processors: try items.enumerated().map {
                    try postProcessorComponent($1, path: "\(path).processors[\($0)]", vocabulary: vocabulary, added: added, source: source)
                })
        case "ByteLevel":
            return ByteLevelPostProcessor(
                addPrefixSpace: try bool(object, "add_prefix_space", true, path: path, source: source),
                trimOffsets: try bool(object, "trim_offsets", true, path: path, source: source),
                useRegex: try bool(object, "use_regex", true, path: path, source: source))
        case "BertProcessing":
            return TemplatePostProcessor(kind: .bert, prefix: [try token("cls")], suffix: [try token("sep")])
        case "RobertaProcessing":
            return TemplatePostProcessor(
                kind: .roberta(
                    trimOffsets: try bool(object, "trim_offsets", true, path: path, source: source),
                    addPrefixSpace: try bool(object, "add_prefix_space", true, path: path, source: source)),
                prefix: [try token("cls")], suffix: [try token("sep")])
        case "TemplateProcessing":
            let single = try list(object, "single", path: path, source: source)
            var prefix: [AddedToken] = [], suffix: [AddedToken] = []
            var seenSequence = false
            for (k, item) in single.enumerated() {
                if item["Sequence"] != nil { seenSequence = true; continue }
                guard let name = item["SpecialToken"]?["id"]?.string else {
                    throw TokenizerError.malformed(
                        source: source, what: "\(path).single[\(k)]: expected {\"SpecialToken\": …} or {\"Sequence\": …}")
                }
                var ids: [Int] = []
                var tokens: [String] = []
                if let entry = object["special_tokens"]?[name], let list = entry["ids"]?.array {
                    ids = list.compactMap(\.int)
                    tokens = entry["tokens"]?.array?.compactMap(\.string) ?? []
                } else if let id = added.first(where: { $0.content == name })?.id ?? vocabulary.id(for: name) {
                    ids = [Int(id)]
                } else {
                    throw TokenizerError.malformed(source: source, what: "\(path).single[\(k)]: special token \(quoted(name)) has no id")
                }
                for (j, id) in ids.enumerated() where id >= 0 {
                    let t = AddedToken(id: UInt32(id), content: j < tokens.count ? tokens[j] : name)
                    if seenSequence { suffix.append(t) } else { prefix.append(t) }
                }
            }
            return TemplatePostProcessor(
                kind: .template(
                    single: jsonText(object["single"]), pair: jsonText(object["pair"]),
                    specials: jsonText(object["special_tokens"])),
                prefix: prefix, suffix: suffix)
        default:
            throw unknown("post_processor", type, path: path, source: source)
        }
    }

    /// JSON text of a parsed value (to write back parts kept verbatim).
    static func jsonText(_ value: JSONValue?) -> String {
        guard let value else { return "null" }
        switch value {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .integer(let i): return "\(i)"
        case .number(let d): return "\(d)"
        case .string(let s): return JSONText.string(s)
        case .array(let a): return "[" + a.map { jsonText($0) }.joined(separator: ", ") + "]"
        case .object(let pairs):
            return "{" + pairs.map { "\(JSONText.string($0.key)): \(jsonText($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    // MARK: Decoders

    static func decoderComponent(_ object: JSONValue, path: String, source: String) throws -> any DecoderComponent {
        let type = try componentType(object, path: path, source: source)
        switch type {
        case "Sequence":
            let items = try list(object, "decoders", path: path, source: source)
            return SequenceDecoder(
                decoders: try items.enumerated().map { try decoderComponent($1, path: "\(path).decoders[\($0)]", source: source) })
        case "ByteLevel": return ClassicDecoder(decoder: .byteLevel)
        case "WordPiece":
            return ClassicDecoder(
                decoder: .wordPiece(
                    prefix: object["prefix"]?.string ?? "##", cleanup: try bool(object, "cleanup", true, path: path, source: source)))
        case "BPEDecoder": return ClassicDecoder(decoder: .bpeSuffix(object["suffix"]?.string ?? "</w>"))
        case "Replace":
            return ReplaceDecoder(
                pattern: try pattern(object, path: path, source: source), content: try string(object, "content", path: path, source: source)
            )
        case "ByteFallback": return ByteFallbackDecoder()
        case "Fuse": return FuseDecoder()
        case "Strip":
            let content = try singleCharacter(
                try string(object, "content", path: path, source: source), path: "\(path).content", source: source)
            guard let start = object["start"]?.int, let stop = object["stop"]?.int, start >= 0, stop >= 0 else {
                throw TokenizerError.malformed(source: source, what: "\(path): expected non-negative integers \"start\" and \"stop\"")
            }
            return StripDecoder(content: Character(Unicode.Scalar(content) ?? " "), start: start, stop: stop)
        case "Metaspace":
            let replacement = try singleCharacter(object["replacement"]?.string ?? "\u{2581}", path: "\(path).replacement", source: source)
            var scheme = PrependScheme.always
            if let s = object["prepend_scheme"]?.string {
                guard let value = PrependScheme(rawValue: s) else {
                    throw TokenizerError.malformed(source: source, what: "\(path).prepend_scheme: expected first, always or never")
                }
                scheme = value
            } else if let add = object["add_prefix_space"]?.bool {
                scheme = add ? .always : .never
            }
            return MetaspaceDecoder(
                replacement: replacement, prependScheme: scheme, split: try bool(object, "split", true, path: path, source: source))
        case "CTC":
            return CTCDecoder(
                padToken: object["pad_token"]?.string ?? "<pad>", wordDelimiterToken: object["word_delimiter_token"]?.string ?? "|",
                cleanup: try bool(object, "cleanup", true, path: path, source: source))
        default:
            throw unknown("decoder", type, path: path, source: source)
        }
    }

    // MARK: Models

    static func componentModel(_ m: JSONValue, source: String) throws -> TokenModel {
        let type = m["type"]?.string ?? (m["merges"] != nil ? "BPE" : "WordPiece")
        switch type {
        case "Unigram":
            guard let items = m["vocab"]?.array else {
                throw TokenizerError.malformed(source: source, what: "model.vocab: expected an array of [piece, score]")
            }
            var pieces: [(String, Double)] = []
            pieces.reserveCapacity(items.count)
            for (k, item) in items.enumerated() {
                guard let pair = item.array, pair.count == 2, let piece = pair[0].string, let score = pair[1].double else {
                    throw TokenizerError.malformed(source: source, what: "model.vocab[\(k)]: expected [piece, score]")
                }
                pieces.append((piece, score))
            }
            var unk: Int? = nil
            if let u = m["unk_id"], !u.isNull {
                guard let value = u.int else {
                    throw TokenizerError.malformed(source: source, what: "model.unk_id: expected an integer or null")
                }
                unk = value
            }
            return .unigram(
                try UnigramModel(pieces: pieces, unknownID: unk, byteFallback: m["byte_fallback"]?.bool ?? false, source: source))
        case "WordLevel":
            guard let map = m["vocab"], map.pairs != nil else {
                throw TokenizerError.malformed(source: source, what: "model.vocab: expected an object of token → id")
            }
            return .wordLevel(
                WordLevelModel(vocabulary: try vocabularyFromMap(map, source: source), unknownToken: m["unk_token"]?.string ?? "<unk>"))
        case "BPE", "WordPiece":
            do { return try parseModel(m, source: source) } catch TokenizerError.unsupportedComponent(_, _, let what) {
                throw TokenizerError.malformed(source: source, what: "model: unsupported \(what)")
            }
        default:
            throw unknown("model", type, path: "model", source: source)
        }
    }
}
