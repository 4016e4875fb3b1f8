import ArtifactIO
import Foundation
import NeuralCore
import RecurrentLM
import TensorOps
import TestFixtures
import Testing

/// A checkpoint written by `tessera train-lm --arch lstm` (Fixtures/checkpoint_lstm: 2 layers,
/// hidden 8, embedding 6 with projection, tied head, byte vocabulary) loads into PyTorch unchanged
/// (`load_state_dict(strict=True)` in Fixtures/make_fixtures.py --checkpoint), and PyTorch's logits
/// for fixed tokens, written there, are Tessera's logits for the same checkpoint.
@Suite struct CheckpointInteropTests {
    @Test func pytorchReproducesTheCheckpointLogits() throws {
        let dir = TestFixtures.path("checkpoint_lstm", in: "RecurrentLMTests")
        let model = try Checkpoint.loadRecurrentModel(dir)
        #expect(model.config.arch == .lstm && model.config.projection && model.config.tieEmbeddings)
        let reference = try SafeTensors.read(dir + "/checkpoint_logits.safetensors")
        let tokens = try reference.ints("tokens").map(Int32.init)
        let V = model.config.vocabSize
        let expected = try reference.floats("logits", shape: [tokens.count, V])
        var rng = SeededGenerator(seed: 0)
        try model.forward(inputs: tokens, targets: nil, batch: 1, time: tokens.count, rng: &rng)
        let got = Array(UnsafeBufferPointer(start: try #require(model.logits), count: tokens.count * V))
        #expect(got.count == expected.count)
        let scale = expected.map { abs($0) }.max() ?? 0
        let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(scale > 0)
        #expect(worst <= 1e-4 * scale, "max |Δ logit| \(worst) vs max |logit| \(scale)")
    }
}
