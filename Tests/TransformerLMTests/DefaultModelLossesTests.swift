import Foundation
import TensorOps
import Testing
import TransformerLM

#if canImport(NeuralCore)
    import NeuralCore
#endif

#if canImport(TestFixtures)
    import TestFixtures
#endif

/// The default GPT model trains to the same losses as the code before NeuralCore existed.
/// `Fixtures/gpt_losses.json` was written by `Fixtures/make_gpt_losses.sh`, which runs
/// ``writeLossesFixture()`` of this same file inside a checkout of commit 88ddd44 (this file
/// compiles against both module layouts).
///
/// Run alone (`swift test --filter DefaultModelLossesTests`) the losses are bit-identical. In the
/// full suite other tests run concurrently in the same process and may switch OpenBLAS's
/// process-wide thread count (`Matmul.setThreads`) mid-run, which can change an sgemm's rounding by
/// an ulp; so the check allows 1e-5 relative and reports how many steps matched bit for bit.
@Suite struct DefaultModelLossesTests {
    static let steps = 20

    /// The training losses of 20 steps: `ModelConfig.tiny` (all default options: sinusoidal
    /// positions, pre-LN, GELU, dense FFN, tied head, no dropout), default training options with
    /// batch 4, 20 steps and 5 warm-up steps, one thread, on a seeded stream with structure and noise.
    static func losses() throws -> [Float] {
        let V = 257
        let model = try TransformerModel(config: .tiny(vocabSize: V), threads: 1)
        model.initialize(seed: 1337)
        var options = TrainingOptions()
        options.batch = 4; options.steps = steps; options.warmup = 5
        var rng = SeededGenerator(seed: 20)
        let count = options.batch * model.config.contextLength * steps + 1
        let ids: [UInt32] = (0..<count).map { i in rng.nextUniform() < 0.1 ? UInt32(rng.next() % UInt64(V)) : UInt32((i * 7 + i / 5) % V) }
        let trainer = try Trainer(
            model: model, options: options, train: try TokenStream(ids: ids, vocabularySize: V, source: "pattern"),
            validation: nil)
        return try (0..<steps).map { _ in try trainer.trainStep().loss }
    }

    /// The fixture's layout.
    struct Fixture: Codable {
        var commit: String
        var command: String
        var losses: [Float]
        var lossBits: [UInt32]
    }

    /// Writes the fixture to `$TESSERA_WRITE_GPT_LOSSES` (run only by make_gpt_losses.sh).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TESSERA_WRITE_GPT_LOSSES"] != nil))
    func writeLossesFixture() throws {
        let env = ProcessInfo.processInfo.environment
        let path = try #require(env["TESSERA_WRITE_GPT_LOSSES"])
        let losses = try Self.losses()
        let fixture = Fixture(
            commit: env["TESSERA_GPT_LOSSES_COMMIT"] ?? "unknown",
            command: "Tests/TransformerLMTests/Fixtures/make_gpt_losses.sh", losses: losses,
            lossBits: losses.map(\.bitPattern))
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(fixture).write(to: URL(fileURLWithPath: path))
    }

    #if canImport(NeuralCore)
        @Test func sameLossesAsBeforeTheMove() throws {
            let path = TestFixtures.path("gpt_losses.json", in: "TransformerLMTests")
            let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            let losses = try Self.losses()
            try #require(fixture.lossBits.count == Self.steps && losses.count == Self.steps)
            var identical = 0
            for (step, (now, bits)) in zip(losses, fixture.lossBits).enumerated() {
                let before = Float(bitPattern: bits)
                if now.bitPattern == bits { identical += 1 }
                #expect(
                    abs(now - before) <= 1e-5 * abs(before),
                    "step \(step + 1): loss \(now), before the move \(before) (commit \(fixture.commit))")
            }
            print("DefaultModelLossesTests: \(identical) of \(Self.steps) losses bit-identical to commit \(fixture.commit)")
            // the run learns something: the losses are not a constant that any model would reproduce
            #expect(losses[Self.steps - 1] < losses[0] - 0.1, "losses \(losses)")
        }
    #endif
}
