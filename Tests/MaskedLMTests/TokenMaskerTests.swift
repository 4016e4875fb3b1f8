import MaskedLM
import TensorOps
import Testing
import Tokenization

/// BERT's masking rule: 15% of the non-special tokens, 80/10/10, whole words, specials never masked.
@Suite struct TokenMaskerTests {
    /// Sequences from the repository's corpus, as pretraining pairs.
    static func pairs(maxLength: Int = 64) throws -> (Tokenizer, [SentencePair]) {
        let tok = try TestSupport.wordPiece()
        let docs = MaskedLMCorpus.documents(text: try TestSupport.alice(), tokenizer: tok)
        let builder = try PairBuilder(
            options: PairBuildingOptions(maxLength: maxLength, seed: 3), specials: try SpecialTokenIDs(tokenizer: tok))
        return (tok, builder.build(docs).pairs)
    }

    @Test func missingSpecialTokensAreNamed() throws {
        for missing in ["[CLS]", "[SEP]", "[MASK]", "[PAD]"] {
            let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "##s"].filter { $0 != missing }
            let tok = try TestSupport.tokenizer(tokens)
            #expect(throws: MaskedLMError.missingSpecialToken(source: "tok.json", token: missing)) {
                _ = try TokenMasker(tokenizer: tok, options: MaskingOptions(), source: "tok.json")
            }
            let message = MaskedLMError.missingSpecialToken(source: "tok.json", token: missing).description
            #expect(message.contains(missing) && message.hasPrefix("tok.json"), "\(message)")
        }
    }

    @Test func invalidOptionsAreRejected() throws {
        let tok = try TestSupport.tokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"])
        for options in [
            MaskingOptions(probability: 0), MaskingOptions(probability: 1.5), MaskingOptions(maskFraction: 0.95, randomFraction: 0.1),
            MaskingOptions(maxPredictions: 0),
        ] {
            #expect(throws: MaskedLMError.self) { _ = try TokenMasker(tokenizer: tok, options: options) }
        }
    }

    @Test func fifteenPercentWithEightyTenTen() throws {
        let (tok, pairs) = try Self.pairs()
        let masker = try TokenMasker(tokenizer: tok, options: MaskingOptions())
        let specials = try SpecialTokenIDs(tokenizer: tok).all
        var rng = SeededGenerator(seed: 42)
        var predicted = 0, masked = 0, kept = 0, replaced = 0
        #expect(pairs.count > 200, "only \(pairs.count) pairs")
        for (n, pair) in pairs.enumerated() {
            let m = masker.mask(pair.tokens, rng: &rng)
            #expect(m.inputs.count == pair.tokens.count && m.labels.count == pair.tokens.count)
            let candidates = pair.tokens.filter { !specials.contains($0) }.count
            let chosen = m.maskedPositions
            // Exactly round(15%) of the non-special tokens, never a special one.
            #expect(chosen.count == max(1, Int((Double(candidates) * 0.15).rounded())), "pair \(n): \(chosen.count) of \(candidates)")
            for i in pair.tokens.indices {
                if chosen.contains(i) {
                    #expect(!specials.contains(pair.tokens[i]), "pair \(n): special token at \(i) chosen")
                    #expect(m.labels[i] == pair.tokens[i])
                    if m.inputs[i] == masker.specials.mask {
                        masked += 1
                    } else if m.inputs[i] == pair.tokens[i] {
                        kept += 1
                    } else {
                        replaced += 1
                        #expect(!specials.contains(m.inputs[i]), "pair \(n): random replacement is special")
                    }
                } else {
                    #expect(m.inputs[i] == pair.tokens[i] && m.labels[i] == MaskedSequence.ignoreLabel, "pair \(n): position \(i) changed")
                }
            }
            predicted += chosen.count
        }
        // A random replacement equal to the original counts as kept: probability 1/V, negligible.
        let p = Double(predicted)
        #expect(predicted > 5000, "only \(predicted) predictions")
        // Binomial standard deviation at n ≈ 7000: ≈ 0.5% for 80%, 0.36% for 10%; allow 4σ.
        #expect(abs(Double(masked) / p - 0.8) < 0.02, "masked \(masked) of \(predicted)")
        #expect(abs(Double(kept) / p - 0.1) < 0.015, "kept \(kept) of \(predicted)")
        #expect(abs(Double(replaced) / p - 0.1) < 0.015, "replaced \(replaced) of \(predicted)")
    }

    @Test func wholeWordMaskingTakesEveryPieceOfAWord() throws {
        let (tok, pairs) = try Self.pairs()
        let masker = try TokenMasker(tokenizer: tok, options: MaskingOptions(wholeWord: true))
        var rng = SeededGenerator(seed: 7)
        var multiPieceWordsChosen = 0, predicted = 0, candidates = 0
        let specials = try SpecialTokenIDs(tokenizer: tok).all
        for (n, pair) in pairs.enumerated() {
            let m = masker.mask(pair.tokens, rng: &rng)
            let isChosen = m.labels.map { $0 != MaskedSequence.ignoreLabel }
            for i in 1..<pair.tokens.count {
                let piece = tok.token(for: UInt32(pair.tokens[i])) ?? ""
                if piece.hasPrefix("##") && piece.count > 2 && !specials.contains(pair.tokens[i - 1]) {
                    // A continuation piece is chosen exactly when the piece before it is.
                    #expect(isChosen[i] == isChosen[i - 1], "pair \(n): piece \(i) \(piece) split from its word")
                    if isChosen[i] { multiPieceWordsChosen += 1 }
                }
            }
            predicted += m.maskedPositions.count
            candidates += pair.tokens.filter { !specials.contains($0) }.count
        }
        #expect(multiPieceWordsChosen > 50, "only \(multiPieceWordsChosen) continuation pieces chosen")
        // Whole words may skip a word that would overshoot, so slightly under 15% overall.
        let rate = Double(predicted) / Double(candidates)
        #expect(rate > 0.13 && rate <= 0.151, "rate \(rate)")
    }

    @Test func seededAndDeterministic() throws {
        let (tok, pairs) = try Self.pairs()
        let masker = try TokenMasker(tokenizer: tok, options: MaskingOptions())
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5), c = SeededGenerator(seed: 6)
        let first = pairs.prefix(50).map { masker.mask($0.tokens, rng: &a) }
        let again = pairs.prefix(50).map { masker.mask($0.tokens, rng: &b) }
        let other = pairs.prefix(50).map { masker.mask($0.tokens, rng: &c) }
        #expect(first == again)
        #expect(first != other)
    }

    @Test func onlySpecialTokensLeaveNothingToPredict() throws {
        let tok = try TestSupport.tokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"])
        let masker = try TokenMasker(tokenizer: tok, options: MaskingOptions())
        let s = try SpecialTokenIDs(tokenizer: tok)
        var rng = SeededGenerator(seed: 1)
        let m = masker.mask([s.cls, s.sep, s.sep], rng: &rng)
        #expect(m.maskedPositions.isEmpty && m.inputs == [s.cls, s.sep, s.sep])
    }
}
