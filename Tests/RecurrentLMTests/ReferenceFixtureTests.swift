import ArtifactIO
import Foundation
import NeuralCore
import RecurrentLM
import TensorOps
import TestFixtures
import Testing

/// Loss and every parameter gradient of a 2-layer recurrent language model of each arch against
/// PyTorch (`nn.RNN`/`nn.LSTM`/`nn.GRU` inside `word_language_model`'s RNNModel, float64 autograd;
/// Fixtures/make_fixtures.py), weights loaded by PyTorch's own names.
@Suite struct ReferenceFixtureTests {
    static func fixture(_ name: String) throws -> SafeTensors {
        try SafeTensors.read(TestFixtures.path(name, in: "RecurrentLMTests"))
    }

    @Test(arguments: RecurrentCell.allCases)
    func lossAndGradientsMatchPyTorch(arch: RecurrentCell) throws {
        let file = try Self.fixture("model_\(arch.rawValue).safetensors")
        let config = try JSONDecoder().decode(RecurrentConfig.self, from: Data(try #require(file.metadata["config"]).utf8))
        #expect(config.arch == arch && config.layers == 2)
        let B = try #require(Int(file.metadata["batch"] ?? "")), T = try #require(Int(file.metadata["time"] ?? ""))
        let model = try RecurrentModel(config: config, threads: 1)
        for e in model.parameterLayout.entries { try file.copyFloats(e.name, shape: e.shape, into: model.parameters.pointer + e.offset) }
        let inputs = try file.ints("inputs").map(Int32.init), targets = try file.ints("targets").map(Int32.init)
        var rng = SeededGenerator(seed: 1)
        let loss = try model.forward(inputs: inputs, targets: targets, batch: B, time: T, training: true, rng: &rng)
        let expectedLoss = try file.floats("loss")[0]
        #expect(abs(loss - expectedLoss) <= 1e-4 * abs(expectedLoss), "\(arch) loss \(loss) vs \(expectedLoss)")
        model.zeroGradients()
        model.backward()
        #expect(
            Set(model.parameterLayout.entries.map { "grad." + $0.name }) == Set(file.names.filter { $0.hasPrefix("grad.") }),
            "\(arch): the model's tensors are not PyTorch's")
        for e in model.parameterLayout.entries {
            let expected = try file.floats("grad." + e.name, shape: e.shape)
            let scale = expected.map { abs($0) }.max() ?? 0
            var worst: Float = 0
            for i in 0..<e.count { worst = max(worst, abs(model.gradients.pointer[e.offset + i] - expected[i])) }
            #expect(scale > 0, "\(e.name): reference gradient is all zero")
            #expect(worst <= 1e-4 * scale, "\(arch) \(e.name): max |Δ| \(worst) vs max |g| \(scale)")
        }
    }
}
