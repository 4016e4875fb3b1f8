import ArtifactIO
import Foundation
import TextNormalization

/// Reading and writing tokenizers in the formats the ecosystem uses: Hugging Face
/// `tokenizer.json`, WordPiece `vocab.txt`, and GPT-2's `vocab.json` + `merges.txt`.
///
/// Components Tessera does not implement are rejected with an error naming them, never ignored
/// (truncation and padding settings, which do not change ids, are the exception: they are dropped).
///
/// ```swift
/// let tok = try TokenizerFile.load("tokenizer.json")
/// try TokenizerFile.save(tok, to: "copy.json")
/// ```
public enum TokenizerFile {
    // MARK: Loading

    /// Loads `path`: a `tokenizer.json`, a `vocab.txt` (BERT uncased WordPiece), or a `vocab.json`
    /// with its `merges.txt` beside it (GPT-2 byte-level BPE).
    public static func load(_ path: String) throws -> Tokenizer {
        if path.hasSuffix(".txt") { return try loadVocabTxt(path) }
        let root = try parseJSON(try readFile(path), source: path)
        guard let pairs = root.pairs else {
            throw TokenizerError.malformed(source: path, what: "expected a JSON object at the top level")
        }
        if root["model"]?.pairs == nil, !pairs.isEmpty, pairs.allSatisfy({ $0.value.int != nil }) {
            // GPT-2's vocab.json (or encoder.json): merges.txt (or vocab.bpe) lies beside it.
            let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            let prefix = dir.isEmpty ? "" : dir + "/"
            var merges = prefix + "merges.txt"
            if !FileManager.default.fileExists(atPath: merges) && FileManager.default.fileExists(atPath: prefix + "vocab.bpe") {
                merges = prefix + "vocab.bpe"
            }
            return try loadVocabAndMerges(vocab: path, merges: merges)
        }
        return try parseTokenizer(root, source: path)
    }

    /// Loads GPT-2 style `vocab.json` + `merges.txt` as a byte-level BPE tokenizer (ByteLevel split
    /// and decoder, no added tokens — as Hugging Face's `BPE.from_file` with a ByteLevel pre-tokenizer).
    public static func loadVocabAndMerges(vocab: String, merges: String) throws -> Tokenizer {
        let map = try parseJSON(try readFile(vocab), source: vocab)
        guard map.pairs != nil else {
            throw TokenizerError.malformed(source: vocab, what: "expected a JSON object of token → id")
        }
        let vocabulary = try vocabularyFromMap(map, source: vocab)
        let mergeLines = String(decoding: try readFile(merges), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var pairs: [(String, String)] = []
        for (k, line) in mergeLines.enumerated() {
            if line.isEmpty || (k == 0 && line.hasPrefix("#version")) { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw TokenizerError.malformed(source: merges, what: "line \(k + 1): expected two tokens separated by one space, found \(quoted(String(line)))")
            }
            pairs.append((String(parts[0]), String(parts[1])))
        }
        let model = try BPEModel(vocabulary: vocabulary, merges: pairs, source: merges)
        // As Hugging Face's BPE.from_file: no added tokens (so "<|endoftext|>" in text is plain text).
        return Tokenizer(preTokenization: .byteLevel(trimOffsets: false), model: .bpe(model), decoder: .byteLevel)
    }

    /// Loads a WordPiece `vocab.txt` (one token per line) with BERT uncased settings.
    public static func loadVocabTxt(_ path: String, lowercase: Bool = true) throws -> Tokenizer {
        let text = String(decoding: try readFile(path), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        if lines.last == "" { lines.removeLast() }
        let vocabulary = try Vocabulary(tokens: lines, source: path)
        let model = try WordPieceModel(vocabulary: vocabulary, source: path)
        var added: [AddedToken] = []
        for name in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] {
            if let id = vocabulary.id(for: name) { added.append(AddedToken(id: id, content: name)) }
        }
        let cls = added.first { $0.content == "[CLS]" }, sep = added.first { $0.content == "[SEP]" }
        return Tokenizer(normalizer: Normalizer(lowercase: lowercase, stripAccents: lowercase, clean: true),
                         preTokenization: .bert(splitCJK: true), model: .wordPiece(model),
                         postProcessor: PostProcessor(prefix: cls.map { [$0] } ?? [], suffix: sep.map { [$0] } ?? []),
                         decoder: .wordPiece(prefix: "##", cleanup: true), addedTokens: added)
    }

    // MARK: Parsing tokenizer.json

    static func parseTokenizer(_ root: JSONValue, source: String) throws -> Tokenizer {
        // Added tokens.
        var added: [AddedToken] = []
        if let list = root["added_tokens"], !list.isNull {
            guard let array = list.array else { throw TokenizerError.malformed(source: source, what: "\"added_tokens\" must be an array of objects") }
            for (k, entry) in array.enumerated() {
                guard let id = entry["id"]?.int, id >= 0, let content = entry["content"]?.string else {
                    throw TokenizerError.malformed(source: source, what: "added_tokens[\(k)] needs an integer \"id\" and a string \"content\"")
                }
                if entry["single_word"]?.bool ?? false {
                    throw TokenizerError.unsupportedComponent(source: source, component: "added token", type: "\(content) with single_word=true")
                }
                added.append(AddedToken(id: UInt32(id), content: content, special: entry["special"]?.bool ?? false,
                                        leftStrip: entry["lstrip"]?.bool ?? false, rightStrip: entry["rstrip"]?.bool ?? false))
            }
        }
        // Normalizer.
        var normalizer = Normalizer()
        var splitCJK = false
        if let n = root["normalizer"], !n.isNull {
            try foldNormalizer(n, into: &normalizer, cjk: &splitCJK, source: source)
        }
        // Model.
        guard let modelObject = root["model"], modelObject.pairs != nil else {
            throw TokenizerError.malformed(source: source, what: "missing \"model\" object")
        }
        let model = try parseModel(modelObject, source: source)
        // Pre-tokenizer.
        var preTokenization = PreTokenization.none
        if let p = root["pre_tokenizer"], !p.isNull {
            preTokenization = try parsePreTokenizer(p, cjk: splitCJK, source: source)
        }
        // Post-processor.
        var post = PostProcessor()
        if let p = root["post_processor"], !p.isNull {
            try parsePostProcessor(p, into: &post, preTokenization: &preTokenization, vocabulary: model.vocabulary, added: added, source: source)
        }
        // Decoder.
        var decoder = TokenDecoder.none
        if let d = root["decoder"], !d.isNull {
            decoder = try parseDecoder(d, source: source)
        }
        return Tokenizer(normalizer: normalizer, preTokenization: preTokenization, model: model, postProcessor: post,
                         decoder: decoder, addedTokens: added)
    }

    private static func typeOf(_ object: JSONValue, _ component: String, source: String) throws -> (String, JSONValue) {
        guard object.pairs != nil, let type = object["type"]?.string else {
            throw TokenizerError.malformed(source: source, what: "\"\(component)\" must be an object with a string \"type\"")
        }
        return (type, object)
    }

    private static func foldNormalizer(_ object: JSONValue, into n: inout Normalizer, cjk: inout Bool, source: String) throws {
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
        case "StripAccents": n.stripAccents = true
        case "Sequence":
            guard let list = dict["normalizers"]?.array else { throw TokenizerError.malformed(source: source, what: "Sequence normalizer needs \"normalizers\"") }
            for item in list { try foldNormalizer(item, into: &n, cjk: &cjk, source: source) }
        default:
            throw TokenizerError.unsupportedComponent(source: source, component: "normalizer", type: type)
        }
    }

    private static func parsePreTokenizer(_ object: JSONValue, cjk: Bool, source: String) throws -> PreTokenization {
        let (type, dict) = try typeOf(object, "pre_tokenizer", source: source)
        switch type {
        case "ByteLevel":
            if !(dict["use_regex"]?.bool ?? true) {
                throw TokenizerError.unsupportedComponent(source: source, component: "pre_tokenizer", type: "ByteLevel with use_regex=false")
            }
            return .byteLevel(trimOffsets: false, addPrefixSpace: dict["add_prefix_space"]?.bool ?? true)
        case "BertPreTokenizer": return .bert(splitCJK: cjk)
        case "WhitespaceSplit": return .whitespaceSplit
        case "Sequence":
            guard let list = dict["pretokenizers"]?.array, list.count == 1 else {
                throw TokenizerError.unsupportedComponent(source: source, component: "pre_tokenizer", type: "Sequence of several pre-tokenizers")
            }
            return try parsePreTokenizer(list[0], cjk: cjk, source: source)
        default:
            throw TokenizerError.unsupportedComponent(source: source, component: "pre_tokenizer", type: type)
        }
    }

    private static func vocabularyFromMap(_ map: JSONValue, source: String) throws -> Vocabulary {
        let pairs = map.pairs ?? []
        var tokens = [String?](repeating: nil, count: pairs.count)
        for (token, value) in pairs {
            guard let id = value.int else { throw TokenizerError.malformed(source: source, what: "vocabulary entry \(quoted(token)) has a non-integer id") }
            guard id >= 0 && id < pairs.count else {
                throw TokenizerError.malformed(source: source, what: "token \(quoted(token)) has id \(id), expected ids 0..<\(pairs.count) without gaps")
            }
            if let other = tokens[id] {
                throw TokenizerError.malformed(source: source, what: "id \(id) is given to both \(quoted(other)) and \(quoted(token))")
            }
            tokens[id] = token
        }
        return try Vocabulary(tokens: tokens.map { $0! }, source: source)
    }

    private static func parseModel(_ m: JSONValue, source: String) throws -> TokenModel {
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
            guard let list = m["merges"]?.array else { throw TokenizerError.malformed(source: source, what: "BPE model has no \"merges\" array") }
            var pairs: [(String, String)] = []
            pairs.reserveCapacity(list.count)
            for (k, item) in list.enumerated() {
                if let s = item.string {
                    let parts = s.split(separator: " ", omittingEmptySubsequences: false)
                    guard parts.count == 2 else { throw TokenizerError.malformed(source: source, what: "merge \(k + 1) \(quoted(s)) is not two tokens separated by a space") }
                    pairs.append((String(parts[0]), String(parts[1])))
                } else if let a = item.array, a.count == 2, let x = a[0].string, let y = a[1].string {
                    pairs.append((x, y))
                } else {
                    throw TokenizerError.malformed(source: source, what: "merge \(k + 1) must be \"a b\" or [\"a\", \"b\"]")
                }
            }
            let model = try BPEModel(vocabulary: vocabulary, merges: pairs, unknownToken: m["unk_token"]?.string,
                                     continuingSubwordPrefix: m["continuing_subword_prefix"]?.string,
                                     endOfWordSuffix: m["end_of_word_suffix"]?.string,
                                     fuseUnknown: m["fuse_unk"]?.bool ?? false, byteFallback: m["byte_fallback"]?.bool ?? false,
                                     ignoreMerges: m["ignore_merges"]?.bool ?? false, source: source)
            return .bpe(model)
        case "WordPiece":
            let vocabulary = try vocabularyFromMap(vocabMap, source: source)
            return .wordPiece(try WordPieceModel(vocabulary: vocabulary, unknownToken: m["unk_token"]?.string ?? "[UNK]",
                                                 continuingSubwordPrefix: m["continuing_subword_prefix"]?.string ?? "##",
                                                 maxInputCharactersPerWord: m["max_input_chars_per_word"]?.int ?? 100, source: source))
        default:
            throw TokenizerError.unsupportedComponent(source: source, component: "model", type: type)
        }
    }

    private static func parsePostProcessor(_ object: JSONValue, into post: inout PostProcessor, preTokenization: inout PreTokenization,
                                           vocabulary: Vocabulary, added: [AddedToken], source: String) throws {
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
                preTokenization = .byteLevel(trimOffsets: dict["trim_offsets"]?.bool ?? true,
                                             trimKeepsPrefixSpace: dict["add_prefix_space"]?.bool ?? true, addPrefixSpace: add)
            }
        case "BertProcessing":
            post = PostProcessor(prefix: [try token(dict["cls"], "cls")], suffix: [try token(dict["sep"], "sep")])
        case "RobertaProcessing":
            post = PostProcessor(prefix: [try token(dict["cls"], "cls")], suffix: [try token(dict["sep"], "sep")])
            if case .byteLevel(_, _, let add) = preTokenization {
                preTokenization = .byteLevel(trimOffsets: dict["trim_offsets"]?.bool ?? true,
                                             trimKeepsPrefixSpace: dict["add_prefix_space"]?.bool ?? true, addPrefixSpace: add)
            }
        case "TemplateProcessing":
            guard let single = dict["single"]?.array else { throw TokenizerError.malformed(source: source, what: "TemplateProcessing needs \"single\"") }
            let specials = dict["special_tokens"]
            var seenSequence = false
            var result = PostProcessor()
            for item in single {
                if item["Sequence"] != nil { seenSequence = true; continue }
                guard let st = item["SpecialToken"], let name = st["id"]?.string else {
                    throw TokenizerError.malformed(source: source, what: "TemplateProcessing item must be SpecialToken or Sequence")
                }
                var ids: [Int] = []
                if let list = specials?[name]?["ids"]?.array?.compactMap(\.int) { ids = list }
                else if let id = added.first(where: { $0.content == name })?.id ?? vocabulary.id(for: name) { ids = [Int(id)] }
                else { throw TokenizerError.malformed(source: source, what: "TemplateProcessing names special token \(quoted(name)), which has no id") }
                for id in ids {
                    let t = AddedToken(id: UInt32(id), content: name)
                    if seenSequence { result.suffix.append(t) } else { result.prefix.append(t) }
                }
            }
            post = result
        case "Sequence":
            guard let list = dict["processors"]?.array else { throw TokenizerError.malformed(source: source, what: "Sequence post_processor needs \"processors\"") }
            for item in list { try parsePostProcessor(item, into: &post, preTokenization: &preTokenization, vocabulary: vocabulary, added: added, source: source) }
        default:
            throw TokenizerError.unsupportedComponent(source: source, component: "post_processor", type: type)
        }
    }

    private static func parseDecoder(_ object: JSONValue, source: String) throws -> TokenDecoder {
        let (type, dict) = try typeOf(object, "decoder", source: source)
        switch type {
        case "ByteLevel": return .byteLevel
        case "WordPiece": return .wordPiece(prefix: dict["prefix"]?.string ?? "##", cleanup: dict["cleanup"]?.bool ?? true)
        case "BPEDecoder": return .bpeSuffix(dict["suffix"]?.string ?? "</w>")
        default: throw TokenizerError.unsupportedComponent(source: source, component: "decoder", type: type)
        }
    }

    // MARK: Saving

    /// The `tokenizer.json` text of `tokenizer` (keys in Hugging Face's order, vocabulary by id).
    public static func json(_ tokenizer: Tokenizer) -> String {
        var out = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": ["
        for (k, t) in tokenizer.addedTokens.enumerated() {
            out += (k == 0 ? "\n" : ",\n")
            out += "    {\"id\": \(t.id), \"content\": \(JSONText.string(t.content)), \"single_word\": false, \"lstrip\": \(t.leftStrip), \"rstrip\": \(t.rightStrip), \"normalized\": false, \"special\": \(t.special)}"
        }
        out += tokenizer.addedTokens.isEmpty ? "],\n" : "\n  ],\n"
        let n = tokenizer.normalizer
        let cjk: Bool
        if case .bert(let c) = tokenizer.preTokenization { cjk = c } else { cjk = false }
        if n.isIdentity && !cjk {
            out += "  \"normalizer\": null,\n"
        } else if n.clean && (n.form == .none) && !n.caseFold {
            out += "  \"normalizer\": {\"type\": \"BertNormalizer\", \"clean_text\": true, \"handle_chinese_chars\": \(cjk), \"strip_accents\": \(n.stripAccents), \"lowercase\": \(n.lowercase)},\n"
        } else {
            var parts: [String] = []
            if n.stripAccents { parts.append(n.form == .nfkc || n.form == .nfkd ? "NFKD" : "NFD"); parts.append("StripAccents") }
            switch n.form {
            case .nfc: parts.append("NFC")
            case .nfkc: parts.append("NFKC")
            case .nfd: if !n.stripAccents { parts.append("NFD") }
            case .nfkd: if !n.stripAccents { parts.append("NFKD") }
            case .none: break
            }
            if n.lowercase || n.caseFold { parts.append("Lowercase") }
            out += "  \"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [" + parts.map { "{\"type\": \"\($0)\"}" }.joined(separator: ", ") + "]},\n"
        }
        switch tokenizer.preTokenization {
        case .none: out += "  \"pre_tokenizer\": null,\n"
        case .byteLevel(let trim, _, let add): out += "  \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": \(add), \"trim_offsets\": \(trim), \"use_regex\": true},\n"
        case .bert: out += "  \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"},\n"
        case .whitespaceSplit: out += "  \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"},\n"
        }
        let post = tokenizer.postProcessor
        if post.prefix.isEmpty && post.suffix.isEmpty {
            if case .byteLevel(let trim, let keep, _) = tokenizer.preTokenization {
                out += "  \"post_processor\": {\"type\": \"ByteLevel\", \"add_prefix_space\": \(keep), \"trim_offsets\": \(trim), \"use_regex\": true},\n"
            } else {
                out += "  \"post_processor\": null,\n"
            }
        } else {
            func item(_ t: AddedToken) -> String { "{\"SpecialToken\": {\"id\": \(JSONText.string(t.content)), \"type_id\": 0}}" }
            let single = post.prefix.map(item) + ["{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}"] + post.suffix.map(item)
            let pair = post.prefix.map(item) + ["{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}"] + post.suffix.map(item)
                + ["{\"Sequence\": {\"id\": \"B\", \"type_id\": 1}}"] + post.suffix.map { item($0).replacingAll("\"type_id\": 0", with: "\"type_id\": 1") }
            var specials: [String: UInt32] = [:]
            for t in post.prefix + post.suffix { specials[t.content] = t.id }
            let specialText = specials.keys.sorted().map { name in
                "\(JSONText.string(name)): {\"id\": \(JSONText.string(name)), \"ids\": [\(specials[name]!)], \"tokens\": [\(JSONText.string(name))]}"
            }.joined(separator: ", ")
            out += "  \"post_processor\": {\"type\": \"TemplateProcessing\", \"single\": [\(single.joined(separator: ", "))], \"pair\": [\(pair.joined(separator: ", "))], \"special_tokens\": {\(specialText)}},\n"
        }
        switch tokenizer.decoder {
        case .none: out += "  \"decoder\": null,\n"
        case .byteLevel: out += "  \"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true},\n"
        case .wordPiece(let prefix, let cleanup): out += "  \"decoder\": {\"type\": \"WordPiece\", \"prefix\": \(JSONText.string(prefix)), \"cleanup\": \(cleanup)},\n"
        case .bpeSuffix(let suffix): out += "  \"decoder\": {\"type\": \"BPEDecoder\", \"suffix\": \(JSONText.string(suffix))},\n"
        }
        func optional(_ s: String?) -> String { s.map(JSONText.string) ?? "null" }
        func vocabText(_ v: Vocabulary) -> String {
            "{" + v.tokens.enumerated().map { "\n      \(JSONText.string($0.element)): \($0.offset)" }.joined(separator: ",") + "\n    }"
        }
        switch tokenizer.model {
        case .bpe(let m):
            out += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": \(optional(m.unknownToken)),\n"
            out += "    \"continuing_subword_prefix\": \(optional(m.continuingSubwordPrefix)),\n    \"end_of_word_suffix\": \(optional(m.endOfWordSuffix)),\n"
            out += "    \"fuse_unk\": \(m.fuseUnknown),\n    \"byte_fallback\": \(m.byteFallback),\n    \"ignore_merges\": \(m.ignoreMerges),\n"
            out += "    \"vocab\": \(vocabText(m.vocabulary)),\n    \"merges\": ["
            out += m.mergeStrings.map { "\n      [\(JSONText.string($0.0)), \(JSONText.string($0.1))]" }.joined(separator: ",")
            out += "\n    ]\n  }\n}\n"
        case .wordPiece(let m):
            out += "  \"model\": {\n    \"type\": \"WordPiece\",\n    \"unk_token\": \(JSONText.string(m.unknownToken)),\n"
            out += "    \"continuing_subword_prefix\": \(JSONText.string(m.continuingSubwordPrefix)),\n    \"max_input_chars_per_word\": \(m.maxInputCharactersPerWord),\n"
            out += "    \"vocab\": \(vocabText(m.vocabulary))\n  }\n}\n"
        }
        return out
    }

    /// Writes `tokenizer` to `path`, atomically, in the format its name asks for: `*.txt` a
    /// WordPiece `vocab.txt`; `vocab.json` GPT-2's `vocab.json` with `merges.txt` beside it (BPE);
    /// anything else `tokenizer.json`. The legacy formats keep only the vocabulary (and merges).
    public static func save(_ tokenizer: Tokenizer, to path: String) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".txt") {
            guard case .wordPiece(let m) = tokenizer.model else {
                throw TokenizerError.invalidOption("\(path): a .txt vocabulary holds WordPiece tokens; save a BPE tokenizer as tokenizer.json or vocab.json")
            }
            if let bad = m.vocabulary.tokens.first(where: { $0.contains("\n") || $0.contains("\r") || $0.isEmpty }) {
                throw TokenizerError.invalidOption("\(path): token \(quoted(bad)) cannot be written one per line")
            }
            try AtomicFileWriter.write(Array((m.vocabulary.tokens.joined(separator: "\n") + "\n").utf8), to: path)
        } else if name == "vocab.json" {
            guard case .bpe(let m) = tokenizer.model else {
                throw TokenizerError.invalidOption("\(path): vocab.json + merges.txt hold BPE tokenizers; save WordPiece as vocab.txt or tokenizer.json")
            }
            if let bad = m.mergeStrings.first(where: { ($0.0 + $0.1).contains(" ") || ($0.0 + $0.1).contains("\n") }) {
                throw TokenizerError.invalidOption("\(path): merge \(quoted(bad.0)) \(quoted(bad.1)) cannot be written to merges.txt (space or newline in a token)")
            }
            let vocab = "{" + m.vocabulary.tokens.enumerated().map { "\(JSONText.string($0.element)): \($0.offset)" }.joined(separator: ", ") + "}\n"
            let merges = "#version: 0.2\n" + m.mergeStrings.map { "\($0.0) \($0.1)\n" }.joined()
            let mergesPath = String(path.dropLast(name.count)) + "merges.txt"
            try AtomicFileWriter.write(Array(merges.utf8), to: mergesPath)
            try AtomicFileWriter.write(Array(vocab.utf8), to: path)
        } else {
            try AtomicFileWriter.write(Array(json(tokenizer).utf8), to: path)
        }
    }

    // MARK: Files

    static func readFile(_ path: String) throws -> [UInt8] {
        try FileContents.read(path)
    }

    /// Parses JSON, turning a syntax error into a one-line error with its byte offset.
    static func parseJSON(_ bytes: [UInt8], source: String) throws -> JSONValue {
        do {
            return try JSONReader.parse(bytes)
        } catch let error as JSONReader.SyntaxError {
            var expected = error.expected
            if error.offset >= bytes.count && !expected.contains("truncated") { expected += " (the file ends early: truncated?)" }
            throw TokenizerError.malformed(source: source, what: "not valid JSON at byte offset \(error.offset): expected \(expected)")
        }
    }
}

extension Tokenizer {
    /// Loads a tokenizer file (see ``TokenizerFile/load(_:)``).
    public static func load(fromFile path: String) throws -> Tokenizer { try TokenizerFile.load(path) }

    /// Saves as `tokenizer.json` (see ``TokenizerFile/save(_:to:)``).
    public func save(to path: String) throws { try TokenizerFile.save(self, to: path) }
}
