import NeuralCore
import TensorOps
import Testing
import TransformerLM

/// The elementwise kernels split across threads must compute what one thread computes.
@Suite struct ThreadingTests {
    @Test(arguments: [ModelConfig.Norm.pre, .post])
    func twoThreadsGiveOneThreadsLossAndGradients(norm: ModelConfig.Norm) throws {
        // Big enough that layer norm (≥ 512 rows), activations (≥ 32K values) and cross-entropy split.
        let config = ModelConfig(
            vocabSize: 97, contextLength: 32, layers: 2, heads: 2, dim: 64, ffnDim: 256, positions: .learned, norm: norm)
        let B = 16, T = 32
        var rng = SeededGenerator(seed: 5)
        let inputs = (0..<(B * T)).map { _ in Int32(rng.next() % 97) }
        let targets = (0..<(B * T)).map { _ in Int32(rng.next() % 97) }
        var results: [(Float, [Float])] = []
        for threads in [1, 2] {
            let model = try TransformerModel(config: config, threads: threads)
            model.initialize(seed: 11)
            model.zeroGradients()
            var dropoutRNG = SeededGenerator(seed: 0)
            let loss = try model.forward(inputs: inputs, targets: targets, batch: B, time: T, rng: &dropoutRNG)
            model.backward()
            results.append((loss, Array(UnsafeBufferPointer(start: model.gradients.pointer, count: model.gradients.count))))
        }
        #expect(abs(results[0].0 - results[1].0) <= 1e-5 * abs(results[0].0))
        let scale = results[0].1.map(abs).max() ?? 1
        #expect(results[0].1.count == results[1].1.count)
        let worst = zip(results[0].1, results[1].1).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-4 * scale, "largest gradient difference \(worst) (largest gradient \(scale))")
    }
}
