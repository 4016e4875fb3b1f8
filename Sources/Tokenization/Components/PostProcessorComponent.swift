import ArtifactIO

/// An encoding being post-processed: ids, token strings and original byte offsets.
package struct PostProcessingEncoding {
    package var ids: [UInt32] = []
    package var tokens: [String] = []
    package var offsets: [Range<Int>] = []
}

/// One post-processor of a `tokenizer.json` (`"post_processor"`).
package protocol PostProcessorComponent: Sendable {
    /// Processes a single sequence's encoding; special tokens only when `addSpecialTokens`.
    func process(_ encoding: inout PostProcessingEncoding, addSpecialTokens: Bool)
    /// The component as `tokenizer.json` writes it.
    var json: String { get }
}

/// `Sequence`: post-processors applied in order.
package struct SequencePostProcessor: PostProcessorComponent {
    package var processors: [any PostProcessorComponent]

    package func process(_ encoding: inout PostProcessingEncoding, addSpecialTokens: Bool) {
        for p in processors { p.process(&encoding, addSpecialTokens: addSpecialTokens) }
    }

    package var json: String { "{\"type\": \"Sequence\", \"processors\": [" + processors.map(\.json).joined(separator: ", ") + "]}" }
}

/// `ByteLevel` (post-processor): with `trim_offsets`, token offsets leave out leading and
/// trailing spaces (`Ġ`), except one leading space of the first token when `add_prefix_space`.
package struct ByteLevelPostProcessor: PostProcessorComponent {
    package var addPrefixSpace: Bool
    package var trimOffsets: Bool
    package var useRegex: Bool

    package func process(_ encoding: inout PostProcessingEncoding, addSpecialTokens: Bool) {
        guard trimOffsets else { return }
        Self.trim(&encoding, addPrefixSpace: addPrefixSpace)
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool { c.value == 0x120 || c.properties.isWhitespace }

    static func trim(_ encoding: inout PostProcessingEncoding, addPrefixSpace: Bool) {
        for i in 0..<encoding.ids.count {
            let scalars = Array(encoding.tokens[i].unicodeScalars)
            var leading = 0
            while leading < scalars.count && isSpace(scalars[leading]) { leading += 1 }
            var trailing = 0
            while trailing < scalars.count && isSpace(scalars[scalars.count - 1 - trailing]) { trailing += 1 }
            var o = encoding.offsets[i]
            if leading > 0 {
                let isFirst = i == 0 || o.lowerBound == 0
                if isFirst && addPrefixSpace && leading == 1 { leading = 0 }
                o = min(o.lowerBound + leading, o.upperBound)..<o.upperBound
            }
            if trailing > 0 && o.upperBound >= trailing { o = o.lowerBound..<max(o.upperBound - trailing, o.lowerBound) }
            encoding.offsets[i] = o
        }
    }

    package var json: String {
        "{\"type\": \"ByteLevel\", \"add_prefix_space\": \(addPrefixSpace), \"trim_offsets\": \(trimOffsets), \"use_regex\": \(useRegex)}"
    }
}

/// `TemplateProcessing`, `BertProcessing` and `RobertaProcessing` for a single sequence:
/// special tokens before and after (offsets empty at 0). Roberta also trims offsets as ByteLevel.
package struct TemplatePostProcessor: PostProcessorComponent {
    package enum Kind: Sendable {
        case template(single: String, pair: String, specials: String)
        case bert
        case roberta(trimOffsets: Bool, addPrefixSpace: Bool)
    }
    package var kind: Kind
    package var prefix: [AddedToken]
    package var suffix: [AddedToken]

    package func process(_ encoding: inout PostProcessingEncoding, addSpecialTokens: Bool) {
        if case .roberta(true, let add) = kind { ByteLevelPostProcessor.trim(&encoding, addPrefixSpace: add) }
        guard addSpecialTokens else { return }
        encoding.ids = prefix.map(\.id) + encoding.ids + suffix.map(\.id)
        encoding.tokens = prefix.map(\.content) + encoding.tokens + suffix.map(\.content)
        encoding.offsets = prefix.map { _ in 0..<0 } + encoding.offsets + suffix.map { _ in 0..<0 }
    }

    package var json: String {
        switch kind {
        case .template(let single, let pair, let specials):
            return "{\"type\": \"TemplateProcessing\", \"single\": \(single), \"pair\": \(pair), \"special_tokens\": \(specials)}"
        case .bert:
            return
                "{\"type\": \"BertProcessing\", \"sep\": [\(JSONText.string(suffix.first?.content ?? "")), \(suffix.first?.id ?? 0)], \"cls\": [\(JSONText.string(prefix.first?.content ?? "")), \(prefix.first?.id ?? 0)]}"
        case .roberta(let trim, let add):
            return
                "{\"type\": \"RobertaProcessing\", \"sep\": [\(JSONText.string(suffix.first?.content ?? "")), \(suffix.first?.id ?? 0)], \"cls\": [\(JSONText.string(prefix.first?.content ?? "")), \(prefix.first?.id ?? 0)], \"trim_offsets\": \(trim), \"add_prefix_space\": \(add)}"
        }
    }
}
