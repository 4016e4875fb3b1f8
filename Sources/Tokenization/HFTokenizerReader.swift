import ArtifactIO
import Foundation
import TextNormalization

/// Reading Hugging Face `tokenizer.json`: the fixed fast shapes (GPT-2 byte level, BERT,
/// whitespace) into ``Tokenizer``'s own fields, everything else into a ``ComponentPipeline``.
extension TokenizerFile {

    static func parseTokenizer(_ root: JSONValue, source: String) throws -> Tokenizer {
        do {
            return try parseFastShape(root, source: source)
        } catch TokenizerError.unsupportedComponent {
            return try parseComponents(root, source: source)
        }
    }

    /// The added tokens of a file, with all their flags.
    static func parseAddedTokens(_ root: JSONValue, source: String) throws -> [AddedToken] {
        var added: [AddedToken] = []
        if let list = root["added_tokens"], !list.isNull {
            guard let array = list.array else {
                throw TokenizerError.malformed(source: source, what: "added_tokens: expected an array of objects")
            }
            for (k, entry) in array.enumerated() {
                guard let id = entry["id"]?.int, id >= 0, id <= Int(UInt32.max), let content = entry["content"]?.string else {
                    throw TokenizerError.malformed(
                        source: source, what: "added_tokens[\(k)]: expected an integer \"id\" and a string \"content\"")
                }
                var token = AddedToken(
                    id: UInt32(id), content: content, special: entry["special"]?.bool ?? false,
                    leftStrip: entry["lstrip"]?.bool ?? false, rightStrip: entry["rstrip"]?.bool ?? false)
                token.singleWord = entry["single_word"]?.bool ?? false
                token.normalized = entry["normalized"]?.bool ?? !token.special
                added.append(token)
            }
        }
        return added
    }

    /// An added token takes a model id or one of the ids right after the vocabulary (as Hugging
    /// Face assigns them); one far past it would silently grow the vocabulary.
    static func checkAddedTokenIDs(_ added: [AddedToken], vocabularySize: Int, source: String) throws {
        let idLimit = vocabularySize + added.count
        if let (k, token) = added.enumerated().first(where: { Int($0.element.id) >= idLimit }) {
            throw TokenizerError.malformed(
                source: source,
                what:
                    "added_tokens[\(k)].id \(token.id) is past the vocabulary: expected an id below \(idLimit) (\(vocabularySize) model tokens + \(added.count) added)"
            )
        }
    }

    /// The fixed shapes the fast encoder runs; throws `unsupportedComponent` for anything else.
    static func parseFastShape(_ root: JSONValue, source: String) throws -> Tokenizer {
        if let n = root["normalizer"], !n.isNull, try parseAddedTokens(root, source: source).contains(where: { $0.normalized }) {
            throw TokenizerError.unsupportedComponent(source: source, component: "added token", type: "normalized")
        }
        // Added tokens.
        let added = try parseAddedTokens(root, source: source)
        if let (k, token) = added.enumerated().first(where: { $0.element.singleWord }) {
            throw TokenizerError.unsupportedComponent(
                source: source, component: "added token", type: "added_tokens[\(k)] \(quoted(token.content)) with single_word=true")
        }
        // Normalizer.
        var normalizer = Normalizer()
        var splitCJK = false
        if let n = root["normalizer"], !n.isNull {
            try foldNormalizer(n, into: &normalizer, cjk: &splitCJK, source: source)
        }
        // Pre-tokenizer (before the model, which is the costly part to build: a shape that is
        // not a fast one is known before it is built twice).
        var preTokenization = PreTokenization.none
        if let p = root["pre_tokenizer"], !p.isNull {
            preTokenization = try parsePreTokenizer(p, cjk: splitCJK, source: source)
        }
        // Decoder.
        var decoder = TokenDecoder.none
        if let d = root["decoder"], !d.isNull {
            decoder = try parseDecoder(d, source: source)
        }
        // Model.
        guard let modelObject = root["model"], modelObject.pairs != nil else {
            throw TokenizerError.malformed(source: source, what: "missing \"model\" object")
        }
        let model = try parseModel(modelObject, source: source)
        try checkAddedTokenIDs(added, vocabularySize: model.vocabulary.count, source: source)
        // Post-processor.
        var post = PostProcessor()
        if let p = root["post_processor"], !p.isNull {
            try parsePostProcessor(
                p, into: &post, preTokenization: &preTokenization, vocabulary: model.vocabulary, added: added, source: source)
        }
        return Tokenizer(
            normalizer: normalizer, preTokenization: preTokenization, model: model, postProcessor: post,
            decoder: decoder, addedTokens: added)
    }

    static func typeOf(_ object: JSONValue, _ component: String, source: String) throws -> (String, JSONValue) {
        guard object.pairs != nil, let type = object["type"]?.string else {
            throw TokenizerError.malformed(source: source, what: "\"\(component)\" must be an object with a string \"type\"")
        }
        return (type, object)
    }

    static func foldNormalizer(_ object: JSONValue, into n: inout Normalizer, cjk: inout Bool, source: String) throws {
        let (type, dict) = try typeOf(object, "normalizer", source: source)
        switch type {
        case "BertNormalizer":
            let lower = dict["lowercase"]?.bool ?? true
            n.clean = dict["clean_text"]?.bool ?? true
            cjk = dict["handle_chinese_chars"]?.bool ?? true
            n.stripAccents = (dict["strip_accents"]?.bool) ?? lower
            n.lowercase = lower
        case "NFC": n.form = .nfc
        case "NFD": n.form = .nfd
        case "NFKC": n.form = .nfkc
        case "NFKD": n.form = .nfkd
        case "Lowercase": n.lowercase = true
        case "StripAccents":
            guard n.form == .nfd || n.form == .nfkd else {
                throw TokenizerError.unsupportedComponent(source: source, component: "normalizer", type: type)
            }
            n.stripAccents = true
        case "Sequence":
            guard let list = dict["normalizers"]?.array else {
                throw TokenizerError.malformed(source: source, what: "Sequence normalizer needs \"normalizers\"")
            }
            // Only the orders the folded normalizer applies (what Tessera itself writes).
            let types = list.map { $0["type"]?.string ?? "" }
            let forms: Set<String> = ["NFC", "NFD", "NFKC", "NFKD"]
            var k = 0
            if k < types.count, ["NFD", "NFKD"].contains(types[k]), k + 1 < types.count, types[k + 1] == "StripAccents" {
                k += 2
                if k < types.count, ["NFC", "NFKC"].contains(types[k]) { k += 1 }
            } else if k < types.count, forms.contains(types[k]) {
                k += 1
            }
            if k < types.count, types[k] == "Lowercase" { k += 1 }
            guard k == types.count else {
                throw TokenizerError.unsupportedComponent(source: source, component: "normalizer", type: "Sequence")
            }
            for item in list { try foldNormalizer(item, into: &n, cjk: &cjk, source: source) }
        default:
            throw TokenizerError.unsupportedComponent(source: source, component: "normalizer", type: type)
        }
    }

    static func parsePreTokenizer(_ object: JSONValue, cjk: Bool, source: String) throws -> PreTokenization {
        let (type, dict) = try typeOf(object, "pre_tokenizer", source: source)
        switch type {
        case "ByteLevel":
            if !(dict["use_regex"]?.bool ?? true) {
                throw TokenizerError.unsupportedComponent(
                    source: source, component: "pre_tokenizer", type: "ByteLevel with use_regex=false")
            }
            return .byteLevel(trimOffsets: false, addPrefixSpace: dict["add_prefix_space"]?.bool ?? true)
        case "BertPreTokenizer": return .bert(splitCJK: cjk)
        case "WhitespaceSplit": return .whitespaceSplit
        case "Sequence":
            guard let list = dict["pretokenizers"]?.array, list.count == 1 else {
                throw TokenizerError.unsupportedComponent(
                    source: source, component: "pre_tokenizer", type: "Sequence of several pre-tokenizers")
            }
            return try parsePreTokenizer(list[0], cjk: cjk, source: source)
        default:
            throw TokenizerError.unsupportedComponent(source: source, component: "pre_tokenizer", type: type)
        }
    }

    static func vocabularyFromMap(_ map: JSONValue, source: String) throws -> Vocabulary {
        let pairs = map.pairs ?? []
        var tokens = [String?](repeating: nil, count: pairs.count)
        for (token, value) in pairs {
            guard let id = value.int else {
                throw TokenizerError.malformed(source: source, what: "vocabulary entry \(quoted(token)) has a non-integer id")
            }
            guard id >= 0 && id < pairs.count else {
                throw TokenizerError.malformed(
                    source: source, what: "token \(quoted(token)) has id \(id), expected ids 0..<\(pairs.count) without gaps")
            }
            if let other = tokens[id] {
                throw TokenizerError.malformed(source: source, what: "id \(id) is given to both \(quoted(other)) and \(quoted(token))")
            }
            tokens[id] = token
        }
        return try Vocabulary(tokens: tokens.map { $0! }, source: source)
    }

    static func parseModel(_ m: JSONValue, source: String) throws -> TokenModel {
        let type = m["type"]?.string ?? (m["merges"] != nil ? "BPE" : "WordPiece")
        guard let vocabMap = m["vocab"], vocabMap.pairs != nil else {
            if m["vocab"]?.array != nil { throw TokenizerError.unsupportedComponent(source: source, component: "model", type: type) }
            throw TokenizerError.malformed(source: source, what: "model has no \"vocab\" object")
        }
        switch type {
        case "BPE":
            if let d = m["dropout"], !d.isNull, (d.double ?? 0) > 0 {
                throw TokenizerError.unsupportedComponent(source: source, component: "model", type: "BPE with dropout")
            }
            let vocabulary = try vocabularyFromMap(vocabMap, source: source)
            guard let list = m["merges"]?.array else {
                throw TokenizerError.malformed(source: source, what: "BPE model has no \"merges\" array")
            }
            var pairs: [(String, String)] = []
            pairs.reserveCapacity(list.count)
            for (k, item) in list.enumerated() {
                if let s = item.string {
                    let parts = s.split(separator: " ", omittingEmptySubsequences: false)
                    guard parts.count == 2 else {
                        throw TokenizerError.malformed(
                            source: source, what: "merge \(k + 1) \(quoted(s)) is not two tokens separated by a space")
                    }
                    pairs.append((String(parts[0]), String(parts[1])))
                } else if let a = item.array, a.count == 2, let x = a[0].string, let y = a[1].string {
                    pairs.append((x, y))
                } else {
                    throw TokenizerError.malformed(source: source, what: "merge \(k + 1) must be \"a b\" or [\"a\", \"b\"]")
                }
            }
            let model = try BPEModel(
                vocabulary: vocabulary, merges: pairs, unknownToken: m["unk_token"]?.string,
                continuingSubwordPrefix: m["continuing_subword_prefix"]?.string,
                endOfWordSuffix: m["end_of_word_suffix"]?.string,
                fuseUnknown: m["fuse_unk"]?.bool ?? false, byteFallback: m["byte_fallback"]?.bool ?? false,
                ignoreMerges: m["ignore_merges"]?.bool ?? false, source: source)
            return .bpe(model)
        case "WordPiece":
            let vocabulary = try vocabularyFromMap(vocabMap, source: source)
            return .wordPiece(
                try WordPieceModel(
                    vocabulary: vocabulary, unknownToken: m["unk_token"]?.string ?? "[UNK]",
                    continuingSubwordPrefix: m["continuing_subword_prefix"]?.string ?? "##",
                    maxInputCharactersPerWord: m["max_input_chars_per_word"]?.int ?? 100, source: source))
        default:
            throw TokenizerError.unsupportedComponent(source: source, component: "model", type: type)
        }
    }

    static func parsePostProcessor(
        _ object: JSONValue, into post: inout PostProcessor, preTokenization: inout PreTokenization,
        vocabulary: Vocabulary, added: [AddedToken], source: String
    ) throws {
        let (type, dict) = try typeOf(object, "post_processor", source: source)
        func token(_ pair: JSONValue?, _ name: String) throws -> AddedToken {
            guard let p = pair?.array, p.count == 2, let content = p[0].string, let id = p[1].int else {
                throw TokenizerError.malformed(source: source, what: "\(type).\(name) must be [token, id]")
            }
            return AddedToken(id: UInt32(id), content: content)
        }
        switch type {
        case "ByteLevel":
            if case .byteLevel(_, _, let add) = preTokenization {
                preTokenization = .byteLevel(
                    trimOffsets: dict["trim_offsets"]?.bool ?? true,
                    trimKeepsPrefixSpace: dict["add_prefix_space"]?.bool ?? true, addPrefixSpace: add)
            }
        case "BertProcessing":
            post = PostProcessor(prefix: [try token(dict["cls"], "cls")], suffix: [try token(dict["sep"], "sep")])
        case "RobertaProcessing":
            post = PostProcessor(prefix: [try token(dict["cls"], "cls")], suffix: [try token(dict["sep"], "sep")])
            if case .byteLevel(_, _, let add) = preTokenization {
                preTokenization = .byteLevel(
                    trimOffsets: dict["trim_offsets"]?.bool ?? true,
                    trimKeepsPrefixSpace: dict["add_prefix_space"]?.bool ?? true, addPrefixSpace: add)
            }
        case "TemplateProcessing":
            guard let single = dict["single"]?.array else {
                throw TokenizerError.malformed(source: source, what: "TemplateProcessing needs \"single\"")
            }
            let specials = dict["special_tokens"]
            var seenSequence = false
            var result = PostProcessor()
            for item in single {
                if item["Sequence"] != nil { seenSequence = true; continue }
                guard let st = item["SpecialToken"], let name = st["id"]?.string else {
                    throw TokenizerError.malformed(source: source, what: "TemplateProcessing item must be SpecialToken or Sequence")
                }
                var ids: [Int] = []
                if let list = specials?[name]?["ids"]?.array?.compactMap(\.int) {
                    ids = list
                } else if let id = added.first(where: { $0.content == name })?.id ?? vocabulary.id(for: name) {
                    ids = [Int(id)]
                } else {
                    throw TokenizerError.malformed(
                        source: source, what: "TemplateProcessing names special token \(quoted(name)), which has no id")
                }
                for id in ids {
                    let t = AddedToken(id: UInt32(id), content: name)
                    if seenSequence { result.suffix.append(t) } else { result.prefix.append(t) }
                }
            }
            post = result
        case "Sequence":
            guard let list = dict["processors"]?.array else {
                throw TokenizerError.malformed(source: source, what: "Sequence post_processor needs \"processors\"")
            }
            for item in list {
                try parsePostProcessor(
                    item, into: &post, preTokenization: &preTokenization, vocabulary: vocabulary, added: added, source: source)
            }
        default:
            throw TokenizerError.unsupportedComponent(source: source, component: "post_processor", type: type)
        }
    }

    static func parseDecoder(_ object: JSONValue, source: String) throws -> TokenDecoder {
        let (type, dict) = try typeOf(object, "decoder", source: source)
        switch type {
        case "ByteLevel": return .byteLevel
        case "WordPiece": return .wordPiece(prefix: dict["prefix"]?.string ?? "##", cleanup: dict["cleanup"]?.bool ?? true)
        case "BPEDecoder": return .bpeSuffix(dict["suffix"]?.string ?? "</w>")
        default: throw TokenizerError.unsupportedComponent(source: source, component: "decoder", type: type)
        }
    }

}
