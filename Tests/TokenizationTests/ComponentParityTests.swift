import Foundation
import TestFixtures
import Testing
import Tokenization

/// Every tokenizer.json component against Hugging Face `tokenizers`: small tokenizers built by
/// Fixtures/make_component_fixtures.py, their expected ids, byte offsets and decodes written by
/// the same script from HF itself; plus the real tokenizers of ../shared when present.
@Suite struct ComponentParityTests {
    static let dir = TestData.fixtures + "/components"
    static let realWorld =
        TestFixtures.sharedData?.appendingPathComponent("tokenizers/realworld").path ?? "../shared/data/tokenizers/realworld"
    static var hasShared: Bool { FileManager.default.fileExists(atPath: realWorld + "/llama3.tokenizer.json") }

    struct Expected { var ids: [UInt32]; var offsets: [Range<Int>]; var decode: String? }

    /// Lines of an expected file: ids, offsets (see TestData.expected) and the decode ("=" for the line itself).
    static func expected(_ path: String, lines: [String]) throws -> [Expected] {
        let raw = try TestData.lines(path)
        let parsed = try TestData.expected(String(path.dropFirst(TestData.fixtures.count + 1)))
        try #require(raw.count == parsed.count)
        return zip(raw, parsed).enumerated().map { k, pair in
            let fields = pair.0.split(separator: "\t", omittingEmptySubsequences: false)
            var decode: String? = nil
            if fields.count > 2 {
                if fields[2] == "=" {
                    decode = k < lines.count ? lines[k] : nil
                } else {
                    decode = try? JSONDecoder().decode(String.self, from: Data(fields[2].utf8))
                }
            }
            return Expected(ids: pair.1.ids, offsets: pair.1.offsets, decode: decode)
        }
    }

    struct Entry: Decodable { var stride: Int; var extra: [String]; var add_special_tokens: Bool }

    static func manifest() throws -> [String: Entry] {
        try JSONDecoder().decode([String: Entry].self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json")))
    }

    /// Counts lines whose ids, offsets or decode differ, recording the first few.
    static func compare(_ tokenizer: Tokenizer, lines: [String], expected: [Expected], addSpecial: Bool, name: String) -> (
        ids: Int, offsets: Int, decodes: Int
    ) {
        let session = TokenizerSession(tokenizer)
        var bad = (ids: 0, offsets: 0, decodes: 0)
        for (line, want) in zip(lines, expected) {
            let (ids, offsets) = TestData.encode(session, line, addSpecial: addSpecial)
            // Ids only take their own shortcuts (``MetaspaceWordLayout``, ``MetaspaceLineLayout``).
            let idsOnly = TestData.encodeIDs(session, line, addSpecial: addSpecial)
            if ids != want.ids || idsOnly != want.ids {
                bad.ids += 1
                if bad.ids <= 3 { Issue.record("\(name): ids differ for \(line.debugDescription):\n  \(ids)\n  \(idsOnly)\n  \(want.ids)") }
            } else if offsets != want.offsets {
                bad.offsets += 1
                if bad.offsets <= 3 {
                    Issue.record("\(name): offsets differ for \(line.debugDescription):\n  \(offsets)\n  \(want.offsets)")
                }
            }
            if let d = want.decode {
                let got = tokenizer.decode(want.ids)
                if got != d {
                    bad.decodes += 1
                    if bad.decodes <= 3 {
                        Issue.record(
                            "\(name): decode differs for \(line.debugDescription):\n  \(got.debugDescription)\n  \(d.debugDescription)")
                    }
                }
            }
        }
        return bad
    }

    @Test(arguments: [
        "unigram_metaspace", "bpe_bytefallback", "bpe_metaspace_first", "bytelevel_split_regex", "wordlevel_whitespace",
        "split_removed", "split_isolated_digits", "split_merged_previous", "split_merged_next", "split_contiguous", "split_invert",
        "punct_digits_scripts", "char_delimiter", "normalizer_sequence_bytelevel", "added_tokens", "bpe_suffix_roberta",
        "unigram_t5_layout", "bpe_metaspace_words", "bpe_metaspace_split",
    ])
    func componentFixtureMatchesHuggingFace(name: String) throws {
        let entry = try #require(try Self.manifest()[name])
        let all = try TestData.lines(Self.dir + "/mixed_lines.txt")
        let lines = stride(from: 0, to: all.count, by: entry.stride).map { all[$0] } + entry.extra
        let expected = try Self.expected(Self.dir + "/\(name)_expected.txt", lines: lines)
        try #require(lines.count == expected.count)
        let tokenizer = try Tokenizer.load(fromFile: Self.dir + "/\(name).json")
        let bad = Self.compare(tokenizer, lines: lines, expected: expected, addSpecial: entry.add_special_tokens, name: name)
        #expect(bad.ids == 0 && bad.offsets == 0 && bad.decodes == 0, "\(name): \(bad) of \(lines.count) lines differ")

        // Written back by Tessera and read again, it encodes the same.
        let copyPath = try TestData.temporaryDirectory() + "/\(name).json"
        try tokenizer.save(to: copyPath)
        let copy = try Tokenizer.load(fromFile: copyPath)
        let again = Self.compare(copy, lines: lines, expected: expected, addSpecial: entry.add_special_tokens, name: name + " (rewritten)")
        #expect(again.ids == 0 && again.offsets == 0 && again.decodes == 0)
    }

    /// The two Mistral-layout fixtures take the two ways through the model: word by word where no
    /// merge crosses a `▁` (`bpe_metaspace_words`), the whole line where merges such as `e` + `▁`
    /// do (`bpe_metaspace_first`); both match Hugging Face above.
    @Test func mistralLayoutFixturesCoverBothWaysThroughTheModel() throws {
        for (name, words) in [("bpe_metaspace_words", true), ("bpe_metaspace_first", false)] {
            let tokenizer = try Tokenizer.load(fromFile: Self.dir + "/\(name).json")
            guard case .bpe(let model) = tokenizer.model else {
                Issue.record("\(name) is not BPE")
                continue
            }
            #expect(model.keepsMetaspaceWords == words, "\(name)")
        }
    }

    /// The Mistral layouts (`Metaspace` with and without `split`) and Llama 2's (`Prepend` +
    /// `Replace`) take the whole-line ids shortcut, whose ids are checked against Hugging Face
    /// above (``compare(_:lines:expected:addSpecial:name:)`` encodes ids only too); layouts with
    /// a normalizer before `Metaspace` do not.
    @Test func metaspaceLineLayoutsTakeTheIdsShortcut() throws {
        for (name, shortcut) in [
            ("bpe_bytefallback", true), ("bpe_metaspace_first", true), ("bpe_metaspace_words", true), ("bpe_metaspace_split", true),
            ("unigram_metaspace", false), ("unigram_t5_layout", false), ("bytelevel_split_regex", false),
        ] {
            let tokenizer = try Tokenizer.load(fromFile: Self.dir + "/\(name).json")
            let pipeline = try #require(tokenizer.pipeline, "\(name)")
            #expect((MetaspaceLineLayout(pipeline) != nil) == shortcut, "\(name)")
        }
    }

    // Real tokenizers from ../shared (not redistributable, or too big to commit): skipped without it.
    @Test(
        .enabled(if: ComponentParityTests.hasShared, "needs ../shared/data/tokenizers/realworld"),
        arguments: ["llama3", "mistral-7b-v0.3", "maxtext-c4-unigram-32k", "clip-vit-openai"])
    func realWorldTokenizerMatchesHuggingFace(name: String) throws {
        let lines = try TestData.lines(Self.dir + "/mixed_lines.txt")
        let expected = try Self.expected(Self.dir + "/realworld_\(name)_expected.txt", lines: lines)
        try #require(lines.count == expected.count)
        let tokenizer = try Tokenizer.load(fromFile: Self.realWorld + "/\(name).tokenizer.json")
        let bad = Self.compare(tokenizer, lines: lines, expected: expected, addSpecial: true, name: name)
        #expect(bad.ids == 0 && bad.offsets == 0 && bad.decodes == 0, "\(name): \(bad) of \(lines.count) lines differ")
    }

    /// Ids only (tiktoken and sentencepiece expectations): one line of space-separated ids per input line.
    static func expectedIDs(_ path: String) throws -> [[UInt32]] {
        try TestData.lines(path).map { line in line.split(separator: " ").compactMap { UInt32($0) } }
    }

    static func idMismatches(_ tokenizer: Tokenizer, lines: [String], expected: [[UInt32]], addSpecial: Bool = false, name: String) -> Int {
        let session = TokenizerSession(tokenizer)
        var bad = 0
        for (line, want) in zip(lines, expected) {
            // Both paths: with offsets, and ids only (SentencePiece files have a faster one).
            let (ids, _) = TestData.encode(session, line, addSpecial: addSpecial)
            let idsOnly = TestData.encodeIDs(session, line, addSpecial: addSpecial)
            if ids != want || idsOnly != want {
                bad += 1
                if bad <= 3 { Issue.record("\(name): ids differ for \(line.debugDescription):\n  \(ids)\n  \(idsOnly)\n  \(want)") }
            }
        }
        return bad
    }

    @Test func smallTiktokenFileEncodesLikeTiktoken() throws {
        let lines = try TestData.lines(Self.dir + "/mixed_lines.txt")
        let expected = try Self.expectedIDs(Self.dir + "/small_llama3_tiktoken_expected.txt")
        try #require(lines.count == expected.count)
        let tokenizer = try Tokenizer.load(fromFile: Self.dir + "/small_llama3.tiktoken")
        #expect(Self.idMismatches(tokenizer, lines: lines, expected: expected, name: "small_llama3.tiktoken") == 0)
    }

    @Test(.enabled(if: ComponentParityTests.hasShared, "needs ../shared/data/tokenizers/realworld"))
    func llama3TiktokenFileEncodesLikeTiktoken() throws {
        let lines = try TestData.lines(Self.dir + "/mixed_lines.txt")
        let expected = try Self.expectedIDs(Self.dir + "/realworld_llama3_tiktoken_expected.txt")
        try #require(lines.count == expected.count)
        let tokenizer = try Tokenizer.load(fromFile: Self.realWorld + "/llama3.tiktoken")
        #expect(Self.idMismatches(tokenizer, lines: lines, expected: expected, name: "llama3.tiktoken") == 0)
    }

    /// Small `.model` files trained by make_component_fixtures.py with `sentencepiece` (user-defined
    /// pieces, a custom normalization table with multi-character keys, byte fallback, whitespace-only
    /// pieces, no dummy prefix): ids identical to sentencepiece's on every line, extra lines included.
    @Test(arguments: ["spm_unigram", "spm_bpe", "spm_unigram_plain", "spm_unigram_composing"])
    func smallSentencePieceModelEncodesLikeSentencePiece(name: String) throws {
        let lines = try TestData.lines(Self.dir + "/mixed_lines.txt")
        let expected = try Self.expectedIDs(Self.dir + "/\(name)_expected.txt")
        try #require(lines.count == expected.count)
        let tokenizer = try Tokenizer.load(fromFile: Self.dir + "/\(name).model")
        #expect(Self.idMismatches(tokenizer, lines: lines, expected: expected, name: name + ".model") == 0)
        let result = try Self.extraMismatches(tokenizer, hashes: name, addSpecial: false, idsOnly: true)
        #expect(result.bad == 0, "\(name).model: \(result.bad) of \(result.of) extra lines differ from sentencepiece")
    }

    /// A Unigram model walks its trie one start at a time or from every start together (which one
    /// depends on the trie's size and the machine's level-2 cache,
    /// ``UnigramModel/interleavedLength``): both find the same tokens, path score and smallest
    /// compared gap for every mixed line (extra lines too), so the parity tests above hold for the walks this
    /// machine does not take.
    @Test(arguments: ["spm_unigram", "spm_unigram_plain", "spm_unigram_userdefined"])
    func unigramTrieWalksTogetherAndAloneAgree(name: String) throws {
        let lines = try TestData.lines(Self.dir + "/mixed_lines.txt") + TestData.lines(Self.dir + "/mixed_lines_extra.txt")
        let tokenizer = try Tokenizer.load(fromFile: Self.dir + "/\(name).model")
        let codec = try #require(tokenizer.pipeline?.sentencePiece)
        guard case .unigram(var alone) = codec.model else {
            Issue.record("\(name).model is not a Unigram model")
            return
        }
        var together = alone
        alone.interleavedLength = 0
        together.interleavedLength = 1024
        var a = UnigramModel.Scratch(), b = UnigramModel.Scratch()
        var compared = 0, differ = 0
        for line in lines {
            // (The text as the normalizer leaves it, near enough: spaces as `▁`, one first.)
            let bytes = Array(("\u{2581}" + line.replacingOccurrences(of: " ", with: "\u{2581}")).utf8)
            guard bytes.count <= together.interleavedLength else { continue }
            var x: [(UInt32, Int32, Int32)] = [], y: [(UInt32, Int32, Int32)] = []
            bytes.withUnsafeBufferPointer { alone.encode($0, scratch: &a, into: &x, floatSums: true, trackGaps: true) }
            bytes.withUnsafeBufferPointer { together.encode($0, scratch: &b, into: &y, floatSums: true, trackGaps: true) }
            compared += 1
            let same =
                x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 && $0.2 == $1.2 }
                && a.pathScore == b.pathScore && a.minGap == b.minGap
            if !same { differ += 1 }
        }
        #expect(compared >= 3000, "\(name).model: only \(compared) lines compared")
        #expect(differ == 0, "\(name).model: \(differ) of \(compared) lines differ between the two walks")
    }

    /// The ids-only normalizer copies runs of printable ASCII eight bytes at a time; with
    /// spm_unigram_composing.model some letters (`e`, `o`, `A`) start a charsmap key with a
    /// combining mark, so a run must stop before such a letter when a mark follows it. The crafted
    /// lines put a mark at every place in runs of 0–17 bytes: ids identical to sentencepiece's on
    /// both paths (the path with offsets copies byte by byte).
    @Test func asciiRunsBeforeCombiningMarksEncodeLikeSentencePiece() throws {
        let lines = try TestData.lines(Self.dir + "/composing_lines.txt")
        let expected = try Self.expectedIDs(Self.dir + "/spm_unigram_composing_crafted_expected.txt")
        try #require(lines.count == expected.count && lines.count >= 100)
        let tokenizer = try Tokenizer.load(fromFile: Self.dir + "/spm_unigram_composing.model")
        let runs = try #require(tokenizer.pipeline?.sentencePiece?.copiesPrintableASCIIRuns)
        #expect(runs.eightAtATime && runs.someConditional, "the fixture must reach the eight-byte copy and its stop before a mark")
        #expect(Self.idMismatches(tokenizer, lines: lines, expected: expected, name: "spm_unigram_composing.model") == 0)
    }

    /// sentencepiece scores a user-defined piece of `n` bytes `n × max_score − 0.1`, where its
    /// `max_score` starts at FLT_MIN, so with negative scores it is about −0.1 and the piece wins
    /// over any split into normal pieces. spm_unigram_userdefined.model (make_component_fixtures.py
    /// `--user-defined`) has long user-defined pieces that normal pieces spell at a better total
    /// than `n` times the best normal score: ids identical to sentencepiece's on the crafted
    /// lines, both paths.
    @Test func longUserDefinedPiecesEncodeLikeSentencePiece() throws {
        let lines = try TestData.lines(Self.dir + "/userdefined_lines.txt")
        let expected = try Self.expectedIDs(Self.dir + "/spm_unigram_userdefined_expected.txt")
        try #require(lines.count == expected.count && lines.count >= 100)
        let tokenizer = try Tokenizer.load(fromFile: Self.dir + "/spm_unigram_userdefined.model")
        #expect(Self.idMismatches(tokenizer, lines: lines, expected: expected, name: "spm_unigram_userdefined.model") == 0)
    }

    /// Crafted lines (components/`file`, at least `atLeast` of them), sentencepiece's ids for them
    /// with `model`.model (`<model>_<suffix>_expected.txt`), the tokenizer and its codec.
    static func craftedLines(
        _ file: String, model: String, suffix: String, atLeast: Int
    ) throws -> ([String], [[UInt32]], Tokenizer, SentencePieceCodec) {
        let lines = try TestData.lines(dir + "/" + file)
        let expected = try expectedIDs(dir + "/\(model)_\(suffix)_expected.txt")
        try #require(lines.count == expected.count && lines.count >= atLeast)
        let tokenizer = try Tokenizer.load(fromFile: dir + "/\(model).model")
        let codec = try #require(tokenizer.pipeline?.sentencePiece)
        return (lines, expected, tokenizer, codec)
    }

    /// The ids-only path cuts a Unigram `.model`'s parts around runs of characters no piece
    /// contains, spells each run as one unknown id (fused with unknown ids next to it) or its
    /// bytes, and caches the rest. The crafted lines (make_component_fixtures.py `--uncovered`)
    /// mix such runs with `▁`, characters that are unknown alone, 4-byte characters and words,
    /// each line shape three times, so one session meets them with and without cached parts:
    /// ids identical to sentencepiece's on both paths, without (spm_unigram) and with byte
    /// fallback (spm_unigram_plain).
    @Test(arguments: ["spm_unigram", "spm_unigram_plain"])
    func uncoveredCharactersEncodeLikeSentencePiece(name: String) throws {
        let (lines, expected, tokenizer, codec) = try Self.craftedLines("uncovered_lines.txt", model: name, suffix: "uncovered", atLeast: 400)
        #expect(codec.cutsAtUncoveredCharacters, "\(name).model must reach the cuts around uncovered runs")
        #expect(Self.idMismatches(tokenizer, lines: lines, expected: expected, name: name + ".model") == 0)
    }

    /// A Unigram `.model`'s part not yet cached is cut between two ASCII characters that are each
    /// a piece and that no piece holds together (`▁said,` → `▁said` `,`), and each piece goes
    /// through the cache. The crafted lines (make_component_fixtures.py `--ascii-pairs`) run words,
    /// digits and punctuation together, with the models' own pieces across such characters and
    /// user-defined pieces (`<|endoftext|>`), each line shape three times: ids identical to
    /// sentencepiece's on both paths.
    @Test(arguments: ["spm_unigram", "spm_unigram_plain", "spm_unigram_userdefined"])
    func asciiPairsEncodeLikeSentencePiece(name: String) throws {
        let (lines, expected, tokenizer, codec) = try Self.craftedLines("ascii_pair_lines.txt", model: name, suffix: "asciipairs", atLeast: 600)
        // (Some pairs are cut, and not all: the pieces span the others.)
        #expect(codec.asciiPairCutCount > 1000 && codec.asciiPairCutCount < 94 * 94, "\(name).model: \(codec.asciiPairCutCount) pairs cut")
        #expect(Self.idMismatches(tokenizer, lines: lines, expected: expected, name: name + ".model") == 0)
    }

    @Test(
        .enabled(if: ComponentParityTests.hasShared, "needs ../shared/data/tokenizers/realworld"),
        arguments: ["mistral-7b-v0.3", "maxtext-c4-unigram-32k"])
    func sentencePieceModelEncodesLikeSentencePiece(name: String) throws {
        let lines = try TestData.lines(Self.dir + "/mixed_lines.txt")
        let expected = try Self.expectedIDs(Self.dir + "/realworld_\(name)_spm_expected.txt")
        try #require(lines.count == expected.count)
        let tokenizer = try Tokenizer.load(fromFile: Self.realWorld + "/\(name).spm.model")
        let bad = Self.idMismatches(tokenizer, lines: lines, expected: expected, name: name + ".spm.model")
        #expect(bad == 0, "\(name).spm.model: \(bad) of \(lines.count) lines differ from sentencepiece")
    }

    // MARK: The 2,900 extra lines (mixed_lines_extra.txt), checked against hashed reference outputs

    /// The extra-line hash of make_component_fixtures.py: FNV-1a 64 over the UTF-8 text, folded to 32 bits.
    static func lineHash(_ text: String) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        let folded = (h ^ (h >> 32)) & 0xFFFF_FFFF
        let hex = String(folded, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Extra lines whose Tessera output hashes differently from the reference's (ids, byte offsets and
    /// decode, or ids only), recording the first few with Tessera's output.
    static func extraMismatches(_ tokenizer: Tokenizer, hashes name: String, addSpecial: Bool, idsOnly: Bool) throws -> (bad: Int, of: Int)
    {
        let lines = try TestData.lines(dir + "/mixed_lines_extra.txt")
        let hashes = try TestData.lines(dir + "/\(name)_extra.hash")
        try #require(lines.count == hashes.count && lines.count >= 2800, "\(name): \(lines.count) lines, \(hashes.count) hashes")
        let session = TokenizerSession(tokenizer)
        var bad = 0
        for (line, want) in zip(lines, hashes) {
            let (ids, offsets) = TestData.encode(session, line, addSpecial: addSpecial)
            if idsOnly && TestData.encodeIDs(session, line, addSpecial: addSpecial) != ids {
                bad += 1
                if bad <= 3 { Issue.record("\(name): ids-only encoding differs from the one with offsets for \(line.debugDescription)") }
                continue
            }
            var text = ids.map(String.init).joined(separator: " ")
            if !idsOnly {
                text += "\t" + offsets.map { "\($0.lowerBound):\($0.upperBound)" }.joined(separator: " ") + "\t" + tokenizer.decode(ids)
            }
            if lineHash(text) != want {
                bad += 1
                if bad <= 3 {
                    Issue.record("\(name): output differs from the reference for \(line.debugDescription):\n  \(text.debugDescription)")
                }
            }
        }
        return (bad, lines.count)
    }

    @Test(arguments: [
        "unigram_metaspace", "bpe_bytefallback", "bpe_metaspace_first", "bytelevel_split_regex", "wordlevel_whitespace",
        "split_removed", "split_isolated_digits", "split_merged_previous", "split_merged_next", "split_contiguous", "split_invert",
        "punct_digits_scripts", "char_delimiter", "normalizer_sequence_bytelevel", "added_tokens", "bpe_suffix_roberta",
        "unigram_t5_layout", "bpe_metaspace_words", "bpe_metaspace_split",
    ])
    func componentFixtureMatchesHuggingFaceOnExtraLines(name: String) throws {
        let entry = try #require(try Self.manifest()[name])
        let tokenizer = try Tokenizer.load(fromFile: Self.dir + "/\(name).json")
        let result = try Self.extraMismatches(tokenizer, hashes: name, addSpecial: entry.add_special_tokens, idsOnly: false)
        #expect(result.bad == 0, "\(name): \(result.bad) of \(result.of) extra lines differ from Hugging Face")
    }

    @Test func smallTiktokenFileMatchesTiktokenOnExtraLines() throws {
        let tokenizer = try Tokenizer.load(fromFile: Self.dir + "/small_llama3.tiktoken")
        let result = try Self.extraMismatches(tokenizer, hashes: "small_llama3_tiktoken", addSpecial: false, idsOnly: true)
        #expect(result.bad == 0, "small_llama3.tiktoken: \(result.bad) of \(result.of) extra lines differ from tiktoken")
    }

    @Test(
        .enabled(if: ComponentParityTests.hasShared, "needs ../shared/data/tokenizers/realworld"),
        arguments: ["llama3", "mistral-7b-v0.3", "maxtext-c4-unigram-32k", "clip-vit-openai"])
    func realWorldTokenizerMatchesHuggingFaceOnExtraLines(name: String) throws {
        let tokenizer = try Tokenizer.load(fromFile: Self.realWorld + "/\(name).tokenizer.json")
        let result = try Self.extraMismatches(tokenizer, hashes: "realworld_" + name, addSpecial: true, idsOnly: false)
        #expect(result.bad == 0, "\(name): \(result.bad) of \(result.of) extra lines differ from Hugging Face")
    }

    @Test(
        .enabled(if: ComponentParityTests.hasShared, "needs ../shared/data/tokenizers/realworld"),
        arguments: [
            ("llama3.tiktoken", "realworld_llama3_tiktoken"), ("mistral-7b-v0.3.spm.model", "realworld_mistral-7b-v0.3_spm"),
            ("maxtext-c4-unigram-32k.spm.model", "realworld_maxtext-c4-unigram-32k_spm"),
        ])
    func realWorldFileMatchesItsLibraryOnExtraLines(file: String, hashes: String) throws {
        let tokenizer = try Tokenizer.load(fromFile: Self.realWorld + "/" + file)
        let result = try Self.extraMismatches(tokenizer, hashes: hashes, addSpecial: false, idsOnly: true)
        #expect(result.bad == 0, "\(file): \(result.bad) of \(result.of) extra lines differ from its own library")
    }

    /// Asking for ids only (the T5 layout's word shortcut, ``MetaspaceWordLayout``, where it
    /// applies) gives Hugging Face's ids on the fixture lines, and the ids of the encoding with
    /// offsets (checked against Hugging Face above) on the extra lines.
    static func idsOnlyMismatches(_ tokenizer: Tokenizer, expected name: String, addSpecial: Bool, extra lineExtra: [String] = []) throws
        -> Int
    {
        let lines = try TestData.lines(dir + "/mixed_lines.txt") + lineExtra
        let expected = try Self.expected(dir + "/\(name)_expected.txt", lines: lines)
        let extra = try TestData.lines(dir + "/mixed_lines_extra.txt")
        try #require(lines.count == expected.count && extra.count >= 2800)
        let session = TokenizerSession(tokenizer)
        var bad = 0
        for (line, want) in zip(lines, expected) where TestData.encodeIDs(session, line, addSpecial: addSpecial) != want.ids {
            bad += 1
            if bad <= 3 { Issue.record("\(name): ids-only encoding differs from Hugging Face for \(line.debugDescription)") }
        }
        for line in extra where TestData.encodeIDs(session, line, addSpecial: addSpecial) != TestData.encode(session, line, addSpecial: addSpecial).0 {
            bad += 1
            if bad <= 3 { Issue.record("\(name): ids-only encoding differs from the one with offsets for \(line.debugDescription)") }
        }
        return bad
    }

    @Test(arguments: [
        "unigram_metaspace", "unigram_t5_layout", "bpe_bytefallback", "bpe_metaspace_first", "bpe_metaspace_words", "bpe_metaspace_split",
        "wordlevel_whitespace", "bytelevel_split_regex",
    ])
    func idsOnlyEncodingMatchesHuggingFace(name: String) throws {
        let entry = try #require(try Self.manifest()[name])
        try #require(entry.stride == 1)
        let tokenizer = try Tokenizer.load(fromFile: Self.dir + "/\(name).json")
        #expect(try Self.idsOnlyMismatches(tokenizer, expected: name, addSpecial: entry.add_special_tokens, extra: entry.extra) == 0)
    }

    @Test(.enabled(if: ComponentParityTests.hasShared, "needs ../shared/data/tokenizers/realworld"))
    func realWorldT5LayoutIdsOnlyMatchesHuggingFace() throws {
        let tokenizer = try Tokenizer.load(fromFile: Self.realWorld + "/maxtext-c4-unigram-32k.tokenizer.json")
        #expect(try Self.idsOnlyMismatches(tokenizer, expected: "realworld_maxtext-c4-unigram-32k", addSpecial: true) == 0)
    }
}
