import ArtifactIO
import Foundation
import NeuralCore
import TensorOps
import TestFixtures
import Testing
import TransformerLM

/// Loss and every parameter gradient of a tiny model, for each option combination, against the
/// PyTorch (float64 autograd) reference written by Fixtures/make_fixtures.py.
@Suite struct ReferenceFixtureTests {
    static let combos: [String] = {
        var out: [String] = []
        for p in ["sinusoidal", "learned"] {
            for n in ["pre", "post"] {
                for a in ["gelu", "relu"] {
                    for f in ["dense", "moe"] {
                        out.append("\(p)_\(n)_\(a)_\(f)")
                    }
                }
            }
        }
        return out
    }()

    static func fixture(_ combo: String) throws -> SafeTensors {
        try SafeTensors.read(TestFixtures.path("model_\(combo).safetensors", in: "TransformerLMTests"))
    }

    @Test(arguments: combos)
    func lossAndGradientsMatchPyTorch(combo: String) throws {
        let file = try Self.fixture(combo)
        let configJSON = try #require(file.metadata["config"])
        let config = try JSONDecoder().decode(ModelConfig.self, from: Data(configJSON.utf8))
        let B = try #require(Int(file.metadata["batch"] ?? "")), T = try #require(Int(file.metadata["time"] ?? ""))
        let model = try TransformerModel(config: config)
        for e in model.layout.entries {
            try file.copyFloats(e.name, shape: e.shape, into: model.parameters.pointer + e.offset)
        }
        let inputs = try file.ints("inputs").map(Int32.init), targets = try file.ints("targets").map(Int32.init)
        var rng = SeededGenerator(seed: 1)
        let ce = try model.forward(inputs: inputs, targets: targets, batch: B, time: T, rng: &rng)
        let loss = ce + model.auxiliaryLoss
        let expectedLoss = try file.floats("loss")[0]
        #expect(abs(loss - expectedLoss) <= 1e-4 * abs(expectedLoss), "loss \(loss) vs \(expectedLoss)")
        model.zeroGradients()
        model.backward()
        for e in model.layout.entries {
            let expected = try file.floats("grad." + e.name, shape: e.shape)
            let scale = expected.map { abs($0) }.max() ?? 0
            var worst: Float = 0
            for i in 0..<e.count { worst = max(worst, abs(model.gradients.pointer[e.offset + i] - expected[i])) }
            #expect(scale > 0, "\(e.name): reference gradient is all zero")
            #expect(worst <= 1e-4 * scale, "\(combo) \(e.name): max |Δ| \(worst) vs max |g| \(scale)")
        }
    }
}
