import EncoderDecoder
import Testing

/// Greedy and beam search on a small randomly initialized model (its outputs are long and
/// arbitrary, which exercises every branch of the search).
struct DecodingTests {
    static func model(seed: UInt64) throws -> Seq2SeqTransformer {
        let config = Seq2SeqConfig(
            vocabSize: 29, dim: 16, heads: 2, encoderLayers: 2, decoderLayers: 2, ffnDim: 24, maxSourceLength: 12,
            maxTargetLength: 14, padID: 0, bosID: 1, eosID: 2)
        return try Seq2SeqTransformer(config: config, seed: seed)
    }

    static func sources(seed: UInt64, count: Int) -> [[Int32]] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { _ in (0..<(1 + next(10))).map { _ in Int32(3 + next(26)) } + [2] }
    }

    @Test func beamOneIsExactlyGreedy() throws {
        for seed: UInt64 in [3, 4, 5] {
            let model = try Self.model(seed: seed)
            let greedy = try SequenceDecoder(model: model, options: DecodingOptions(beamSize: 1))
            for source in Self.sources(seed: seed, count: 12) {
                let expected = greedy.greedy(source: source)
                #expect(greedy.beam(source: source) == expected, "seed \(seed) source \(source)")
                #expect(greedy.decode(source: source) == expected)
            }
        }
    }

    /// With length penalty 0, beam search ranks by total log-probability, so its output scores at
    /// least as high as greedy's whenever greedy's output is among the finished candidates — and
    /// never worse than the best finished hypothesis it kept; here: the beam's output sequence
    /// has a total log-probability ≥ greedy's on every sentence.
    @Test func beamFindsOutputsAtLeastAsLikelyAsGreedy() throws {
        let model = try Self.model(seed: 7)
        let greedy = try SequenceDecoder(model: model, options: DecodingOptions(beamSize: 1))
        let beam = try SequenceDecoder(
            model: model, options: DecodingOptions(beamSize: 5, lengthPenalty: 0, maxLengthRatio: 0, maxLengthOffset: 6))
        var better = 0
        for source in Self.sources(seed: 7, count: 10) {
            let g = greedy.greedy(source: source), b = beam.decode(source: source)
            let encoded = model.encode(source: source)
            func score(_ output: [Int32], limit: Int) -> Double {
                var prefix: [Int32] = [1], total = 0.0
                for token in output {
                    total += Double(model.nextLogProbabilities(source: encoded, prefixes: [prefix])[0][Int(token)])
                    prefix.append(token)
                }
                // A finished output also pays for its <eos>; one cut at the length limit does not.
                if output.count < limit { total += Double(model.nextLogProbabilities(source: encoded, prefixes: [prefix])[0][2]) }
                return total
            }
            let limit = beam.options.maxOutputLength(sourceLength: encoded.time, modelMaximum: model.maxTargetLength)
            #expect(score(b, limit: limit) >= score(g, limit: limit) - 1e-5, "source \(source): beam \(b) vs greedy \(g)")
            if b != g { better += 1 }
        }
        #expect(better > 0, "beam search never differed from greedy: the test would not catch a beam that equals greedy")
    }

    @Test func crossAttentionMapsAreDistributionsOverTheSource() throws {
        let model = try Self.model(seed: 2)
        let source: [Int32] = [5, 9, 14, 2]
        let output = try SequenceDecoder(model: model, options: DecodingOptions()).decode(source: source)
        let maps = model.crossAttentionMaps(source: source, output: output)
        #expect(maps.count == model.config.decoderLayers)
        for layer in maps {
            #expect(layer.count == model.config.heads)
            for head in layer {
                #expect(head.count == output.count + 1)
                for row in head {
                    #expect(row.count == source.count)
                    #expect(abs(row.reduce(0, +) - 1) < 1e-5)
                }
            }
        }
    }

    @Test func badOptionsAreErrors() throws {
        let model = try Self.model(seed: 1)
        #expect(throws: Seq2SeqError.invalidConfig("beam size 0: expected at least 1")) {
            try SequenceDecoder(model: model, options: DecodingOptions(beamSize: 0))
        }
        #expect(DecodingOptions(maxLengthRatio: 1.5, maxLengthOffset: 2).maxOutputLength(sourceLength: 4, modelMaximum: 100) == 8)
        #expect(DecodingOptions(maxLengthRatio: 10, maxLengthOffset: 2).maxOutputLength(sourceLength: 40, modelMaximum: 30) == 29)
    }

    /// The Transformer's cached session (keys and values kept per hypothesis, one new row per step)
    /// gives the log-probabilities of the uncached reference that recomputes every prefix, through
    /// steps that reorder, drop and duplicate hypotheses as beam search does; and greedy and beam
    /// search give exactly the same outputs with and without the cache (post-LN ReLU and pre-LN GELU).
    @Test(arguments: [Seq2SeqConfig.Norm.post, .pre])
    func cachedDecodingEqualsRecomputingThePrefixes(norm: Seq2SeqConfig.Norm) throws {
        var config = try Self.model(seed: 1).config
        config.norm = norm
        config.activation = norm == .pre ? .gelu : .relu
        let model = try Seq2SeqTransformer(config: config, seed: 21)
        var state: UInt64 = 5
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for source in Self.sources(seed: 9, count: 4) {
            let encoded = model.encode(source: source)
            let cached = model.decoderSession(source: encoded), reference = PrefixDecoderSession(model: model, source: encoded)
            var live = 1, parents = [0], tokens: [Int32] = [model.bosID]
            for step in 0..<(model.maxTargetLength - 1) {
                let a = cached.step(parents: parents, tokens: tokens), b = reference.step(parents: parents, tokens: tokens)
                try #require(a.count == live && b.count == live)
                for (rowA, rowB) in zip(a, b) {
                    try #require(rowA.count == rowB.count)
                    let worst = zip(rowA, rowB).map { abs($0 - $1) }.max() ?? 0
                    #expect(worst < 1e-5, "\(norm) source \(source) step \(step): max |Δ log p| \(worst)")
                }
                let width = 1 + next(5)
                parents = (0..<width).map { _ in next(live) }
                tokens = (0..<width).map { _ in Int32(3 + next(26)) }
                live = width
            }
        }
        var uncachedGreedy = try SequenceDecoder(model: model, options: DecodingOptions(beamSize: 1))
        uncachedGreedy.usesModelSession = false
        var uncachedBeam = try SequenceDecoder(model: model, options: DecodingOptions(beamSize: 5))
        uncachedBeam.usesModelSession = false
        let greedy = try SequenceDecoder(model: model, options: DecodingOptions(beamSize: 1))
        let beam = try SequenceDecoder(model: model, options: DecodingOptions(beamSize: 5))
        for source in Self.sources(seed: 13, count: 10) {
            #expect(greedy.decode(source: source) == uncachedGreedy.decode(source: source), "\(norm) greedy, source \(source)")
            #expect(beam.decode(source: source) == uncachedBeam.decode(source: source), "\(norm) beam 5, source \(source)")
        }
    }
}

