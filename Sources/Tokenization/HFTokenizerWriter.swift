import ArtifactIO
import TextNormalization

/// Writing Hugging Face `tokenizer.json`.
extension TokenizerFile {

    /// The `tokenizer.json` text of `tokenizer` (keys in Hugging Face's order, vocabulary by id).
    public static func json(_ tokenizer: Tokenizer) -> String {
        var out = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": ["
        for (k, t) in tokenizer.addedTokens.enumerated() {
            out += (k == 0 ? "\n" : ",\n")
            let normalized = tokenizer.pipeline != nil && t.normalized
            out +=
                "    {\"id\": \(t.id), \"content\": \(JSONText.string(t.content)), \"single_word\": \(t.singleWord), \"lstrip\": \(t.leftStrip), \"rstrip\": \(t.rightStrip), \"normalized\": \(normalized), \"special\": \(t.special)}"
        }
        out += tokenizer.addedTokens.isEmpty ? "],\n" : "\n  ],\n"
        if let pipeline = tokenizer.pipeline {
            out += "  \"normalizer\": \(pipeline.normalizer?.json ?? "null"),\n"
            out += "  \"pre_tokenizer\": \(pipeline.preTokenizer?.json ?? "null"),\n"
            out += "  \"post_processor\": \(pipeline.postProcessor?.json ?? "null"),\n"
            out += "  \"decoder\": \(pipeline.decoder?.json ?? "null"),\n"
            return out + modelJSON(tokenizer.model) + "\n}\n"
        }
        let n = tokenizer.normalizer
        let cjk: Bool
        if case .bert(let c) = tokenizer.preTokenization { cjk = c } else { cjk = false }
        if n.isIdentity && !cjk {
            out += "  \"normalizer\": null,\n"
        } else if n.clean && (n.form == .none) && !n.caseFold {
            out +=
                "  \"normalizer\": {\"type\": \"BertNormalizer\", \"clean_text\": true, \"handle_chinese_chars\": \(cjk), \"strip_accents\": \(n.stripAccents), \"lowercase\": \(n.lowercase)},\n"
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
            out +=
                "  \"normalizer\": {\"type\": \"Sequence\", \"normalizers\": ["
                + parts.map { "{\"type\": \"\($0)\"}" }.joined(separator: ", ") + "]},\n"
        }
        switch tokenizer.preTokenization {
        case .none: out += "  \"pre_tokenizer\": null,\n"
        case .byteLevel(let trim, _, let add):
            out +=
                "  \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": \(add), \"trim_offsets\": \(trim), \"use_regex\": true},\n"
        case .byteLevelSplit(let pattern):
            out +=
                "  \"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": \(JSONText.string(pattern))}, \"behavior\": \"Isolated\", \"invert\": false}, {\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": false}]},\n"
        case .bert: out += "  \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"},\n"
        case .whitespaceSplit: out += "  \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"},\n"
        }
        let post = tokenizer.postProcessor
        if post.prefix.isEmpty && post.suffix.isEmpty {
            if case .byteLevel(let trim, let keep, _) = tokenizer.preTokenization {
                out +=
                    "  \"post_processor\": {\"type\": \"ByteLevel\", \"add_prefix_space\": \(keep), \"trim_offsets\": \(trim), \"use_regex\": true},\n"
            } else {
                out += "  \"post_processor\": null,\n"
            }
        } else {
            func item(_ t: AddedToken) -> String { "{\"SpecialToken\": {\"id\": \(JSONText.string(t.content)), \"type_id\": 0}}" }
            let single = post.prefix.map(item) + ["{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}"] + post.suffix.map(item)
            let pair =
                post.prefix.map(item) + ["{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}"] + post.suffix.map(item)
                + ["{\"Sequence\": {\"id\": \"B\", \"type_id\": 1}}"]
                + post.suffix.map { item($0).replacingAll("\"type_id\": 0", with: "\"type_id\": 1") }
            var specials: [String: UInt32] = [:]
            for t in post.prefix + post.suffix { specials[t.content] = t.id }
            let specialText = specials.keys.sorted().map { name in
                "\(JSONText.string(name)): {\"id\": \(JSONText.string(name)), \"ids\": [\(specials[name]!)], \"tokens\": [\(JSONText.string(name))]}"
            }.joined(separator: ", ")
            out +=
                "  \"post_processor\": {\"type\": \"TemplateProcessing\", \"single\": [\(single.joined(separator: ", "))], \"pair\": [\(pair.joined(separator: ", "))], \"special_tokens\": {\(specialText)}},\n"
        }
        switch tokenizer.decoder {
        case .none: out += "  \"decoder\": null,\n"
        case .byteLevel:
            out += "  \"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true},\n"
        case .wordPiece(let prefix, let cleanup):
            out += "  \"decoder\": {\"type\": \"WordPiece\", \"prefix\": \(JSONText.string(prefix)), \"cleanup\": \(cleanup)},\n"
        case .bpeSuffix(let suffix): out += "  \"decoder\": {\"type\": \"BPEDecoder\", \"suffix\": \(JSONText.string(suffix))},\n"
        }
        out += modelJSON(tokenizer.model) + "\n}\n"
        return out
    }

    /// The `"model"` member (no trailing newline).
    static func modelJSON(_ model: TokenModel) -> String {
        func optional(_ s: String?) -> String { s.map(JSONText.string) ?? "null" }
        func vocabText(_ v: Vocabulary) -> String {
            "{" + v.tokens.enumerated().map { "\n      \(JSONText.string($0.element)): \($0.offset)" }.joined(separator: ",") + "\n    }"
        }
        var out = ""
        switch model {
        case .bpe(let m):
            out += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": \(optional(m.unknownToken)),\n"
            out +=
                "    \"continuing_subword_prefix\": \(optional(m.continuingSubwordPrefix)),\n    \"end_of_word_suffix\": \(optional(m.endOfWordSuffix)),\n"
            out +=
                "    \"fuse_unk\": \(m.fuseUnknown),\n    \"byte_fallback\": \(m.byteFallback),\n    \"ignore_merges\": \(m.ignoreMerges),\n"
            out += "    \"vocab\": \(vocabText(m.vocabulary)),\n    \"merges\": ["
            out += m.mergeStrings.map { "\n      [\(JSONText.string($0.0)), \(JSONText.string($0.1))]" }.joined(separator: ",")
            out += "\n    ]\n  }"
        case .wordPiece(let m):
            out += "  \"model\": {\n    \"type\": \"WordPiece\",\n    \"unk_token\": \(JSONText.string(m.unknownToken)),\n"
            out +=
                "    \"continuing_subword_prefix\": \(JSONText.string(m.continuingSubwordPrefix)),\n    \"max_input_chars_per_word\": \(m.maxInputCharactersPerWord),\n"
            out += "    \"vocab\": \(vocabText(m.vocabulary))\n  }"
        case .unigram(let m):
            out += "  \"model\": {\n    \"type\": \"Unigram\",\n    \"unk_id\": \(m.unknownID.map { "\($0)" } ?? "null"),\n    \"vocab\": ["
            out += m.pieces.map { "\n      [\(JSONText.string($0.0)), \(JSONText.number($0.1))]" }.joined(separator: ",")
            out += "\n    ],\n    \"byte_fallback\": \(m.byteFallback)\n  }"
        case .wordLevel(let m):
            out +=
                "  \"model\": {\n    \"type\": \"WordLevel\",\n    \"vocab\": \(vocabText(m.vocabulary)),\n    \"unk_token\": \(JSONText.string(m.unknownToken))\n  }"
        }
        return out
    }
}
