import ArtifactIO
import Foundation
import SwiftProtobuf

/// SentencePiece `.model` files (the protobuf `ModelProto`, read with the code `protoc`
/// generated in `SentencePieceModel.pb.swift`). They encode exactly as the `sentencepiece`
/// library does (`SentencePieceCodec`: its normalizer with `add_dummy_prefix`,
/// `remove_extra_whitespaces` and the precompiled charsmap; user-defined pieces kept whole;
/// control, unknown and byte pieces never matched in the text; Unigram lattice or score-ordered
/// BPE merges over the whole normalized text). Their components are the `tokenizer.json` layout
/// `transformers`' converters give them, which is what `convert-tokenizer` writes: Unigram
/// models with `Precompiled` + whitespace clean-up and `Metaspace(always, split)`; BPE models
/// with merges recovered from the scores, `Metaspace(first, no split)`, `byte_fallback`;
/// user-defined pieces as added tokens.
public enum SentencePieceFile {
    /// Loads a `.model` file.
    public static func load(_ path: String) throws -> Tokenizer {
        let bytes = try FileContents.read(path)
        let proto: Sentencepiece_ModelProto
        do {
            proto = try Sentencepiece_ModelProto(serializedBytes: bytes)
        } catch {
            throw TokenizerError.malformed(source: path, what: "not a SentencePiece model (protobuf ModelProto): \(error)")
        }
        return try tokenizer(proto, source: path)
    }

    static func tokenizer(_ proto: Sentencepiece_ModelProto, source: String) throws -> Tokenizer {
        guard !proto.pieces.isEmpty else { throw TokenizerError.malformed(source: source, what: "the model has no pieces") }
        let spec = proto.trainerSpec
        let norm = proto.normalizerSpec
        let byteFallback = spec.byteFallback
        var unkID: Int? = nil
        var added: [AddedToken] = []
        for (id, p) in proto.pieces.enumerated() {
            if p.piece.isEmpty { throw TokenizerError.malformed(source: source, what: "piece \(id) is empty") }
            switch p.type {
            case .unknown: if unkID == nil { unkID = id }
            case .userDefined: added.append(AddedToken(id: UInt32(id), content: p.piece, special: false))
            default: break
            }
        }
        let replacement: UInt32 = 0x2581
        guard !proto.trainerSpec.treatWhitespaceAsSuffix else {
            throw TokenizerError.malformed(
                source: source, what: "trainer_spec.treat_whitespace_as_suffix: Tessera reads models that put the space first")
        }
        let userDefined = proto.pieces.filter { $0.type == .userDefined }.map(\.piece)
        let matchable = proto.pieces.map { $0.type == .normal || $0.type == .userDefined || $0.type == .unused }
        let spmNormalizer = SentencePieceNormalizer(
            charsmap: norm.precompiledCharsmap.isEmpty
                ? nil : try PrecompiledCharsmap(Array(norm.precompiledCharsmap), source: "\(source): normalizer_spec.precompiled_charsmap"),
            userDefined: userDefined, addDummyPrefix: norm.addDummyPrefix, removeExtraWhitespaces: norm.removeExtraWhitespaces,
            escapeWhitespaces: norm.escapeWhitespaces)
        var normalizers: [any NormalizerComponent] = []
        if !norm.precompiledCharsmap.isEmpty {
            normalizers.append(
                PrecompiledNormalizer(
                    charsmap: try PrecompiledCharsmap(
                        Array(norm.precompiledCharsmap), source: "\(source): normalizer_spec.precompiled_charsmap")))
        }
        let decoder: any DecoderComponent
        let metaspaceDecoder = MetaspaceDecoder(
            replacement: replacement, prependScheme: norm.addDummyPrefix ? .always : .never, split: true)
        if byteFallback {
            decoder = SequenceDecoder(decoders: [
                ReplaceDecoder(pattern: .string("\u{2581}"), content: " "), ByteFallbackDecoder(), FuseDecoder(),
                StripDecoder(content: " ", start: norm.addDummyPrefix ? 1 : 0, stop: 0),
            ])
        } else {
            decoder = metaspaceDecoder
        }
        switch spec.modelType {
        case .unigram:
            if norm.removeExtraWhitespaces { normalizers.append(ReplaceNormalizer(pattern: try TextPattern.regex(" {2,}"), content: " ")) }
            var pre: [any PreTokenizerComponent] = []
            if norm.removeExtraWhitespaces { pre.append(CharacterSplitPreTokenizer(kind: .whitespaceSplit)) }
            pre.append(
                MetaspacePreTokenizer(replacement: replacement, prependScheme: norm.addDummyPrefix ? .always : .never, splitPieces: true))
            let pieces = proto.pieces.map { ($0.piece, Double($0.score)) }
            let model = try UnigramModel(pieces: pieces, unknownID: unkID ?? Int(spec.unkID), byteFallback: byteFallback, source: source)
            let pipeline = ComponentPipeline(
                normalizer: normalizers.isEmpty ? nil : SequenceNormalizer(normalizers: normalizers),
                preTokenizer: SequencePreTokenizer(preTokenizers: pre), decoder: decoder)
            var exact = pipeline
            exact.sentencePiece = SentencePieceCodec(
                normalizer: spmNormalizer,
                model: .unigram(
                    try UnigramModel(
                        pieces: pieces, unknownID: unkID ?? Int(spec.unkID), byteFallback: byteFallback,
                        kinds: proto.pieces.map {
                            switch $0.type {
                            case .normal: return .normal
                            case .userDefined: return .userDefined
                            default: return .excluded
                            }
                        }, source: source)),
                pieces: proto.pieces.map(\.piece), matchable: matchable)
            return Tokenizer(model: .unigram(model), addedTokens: added, pipeline: exact)
        case .bpe:
            if norm.removeExtraWhitespaces {
                normalizers.append(StripNormalizer(left: true, right: true))
                normalizers.append(ReplaceNormalizer(pattern: try TextPattern.regex(" {2,}"), content: " "))
            }
            let vocabulary = try Vocabulary(tokens: proto.pieces.map(\.piece), source: source)
            // Merges as transformers' SentencePieceExtractor recovers them: every split of a piece
            // into two pieces (at a character boundary, looked up by bytes), ordered by the merged
            // piece's score (highest first).
            var merges: [(score: Float, left: UInt32, right: UInt32, merged: UInt32)] = []
            var local: [(UInt32, UInt32)] = []
            for (id, p) in proto.pieces.enumerated() where p.type == .normal || p.type == .userDefined {
                var bytes = p.piece
                local.removeAll(keepingCapacity: true)
                bytes.withUTF8 { b in
                    let base = b.baseAddress!
                    for cut in 1..<max(b.count, 1) where b[cut] & 0xC0 != 0x80 {
                        if let l = vocabulary.id(bytes: base, count: cut), let r = vocabulary.id(bytes: base + cut, count: b.count - cut) {
                            local.append((l, r))
                        }
                    }
                }
                local.sort { ($0.0, $0.1) < ($1.0, $1.1) }
                for (l, r) in local { merges.append((p.score, l, r, UInt32(id))) }
            }
            let order = merges.indices.sorted { merges[$0].score != merges[$1].score ? merges[$0].score > merges[$1].score : $0 < $1 }
            let model = BPEModel(
                vocabulary: vocabulary, idMerges: order.map { (merges[$0].left, merges[$0].right, merges[$0].merged) },
                unknownToken: unkID.map { proto.pieces[$0].piece }, fuseUnknown: true, byteFallback: byteFallback)
            let pipeline = ComponentPipeline(
                normalizer: normalizers.isEmpty ? nil : SequenceNormalizer(normalizers: normalizers),
                preTokenizer: MetaspacePreTokenizer(
                    replacement: replacement, prependScheme: norm.addDummyPrefix ? .first : .never, splitPieces: false),
                decoder: decoder)
            var exact = pipeline
            exact.sentencePiece = SentencePieceCodec(
                normalizer: spmNormalizer,
                model: .bpe(
                    SentencePieceBPE(
                        vocabulary: vocabulary, scores: proto.pieces.map(\.score),
                        mergeable: proto.pieces.map { $0.type == .normal || $0.type == .userDefined },
                        matchable: matchable, userDefined: userDefined,
                        unknownID: unkID.map { UInt32($0) } ?? UInt32(exactly: spec.unkID), byteFallback: byteFallback)),
                pieces: proto.pieces.map(\.piece), matchable: matchable)
            return Tokenizer(model: .bpe(model), addedTokens: added, pipeline: exact)
        default:
            throw TokenizerError.malformed(
                source: source, what: "trainer_spec.model_type \(spec.modelType): Tessera reads UNIGRAM and BPE SentencePiece models")
        }
    }
}
