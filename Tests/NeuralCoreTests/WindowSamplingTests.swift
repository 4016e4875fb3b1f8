import Foundation
import NeuralCore
import Testing

/// Random training windows: real windows of the stream, drawn from the seed and step alone, over
/// the whole stream; and saved options from before the option existed still load.
@Suite struct WindowSamplingTests {
    /// The stream 0, 1, 2, …, 999: a window's ids say where it starts.
    static func counting() throws -> TokenStream {
        try TokenStream(ids: (0..<1000).map { UInt32($0) }, vocabularySize: 1000, source: "counting")
    }

    @Test func rowsAreWindowsOfTheStreamWithShiftedTargets() throws {
        let stream = try Self.counting()
        let (B, T) = (8, 16)
        for step in 0..<50 {
            let batch = stream.randomBatch(step: step, seed: 9, batch: B, time: T)
            try #require(batch.inputs.count == B * T && batch.targets.count == B * T)
            for b in 0..<B {
                let row = Array(batch.inputs[(b * T)..<((b + 1) * T)]), targets = Array(batch.targets[(b * T)..<((b + 1) * T)])
                let start = Int(row[0])
                #expect(row == (start..<(start + T)).map { Int32($0) }, "step \(step) row \(b): not a window: \(row)")
                #expect(targets == row.map { $0 + 1 }, "step \(step) row \(b): targets are not the next tokens")
                #expect(start + T < 1000, "step \(step) row \(b): the window's target runs past the stream")
            }
        }
    }

    @Test func drawsDependOnSeedAndStepOnly() throws {
        let stream = try Self.counting()
        let a = stream.randomBatch(step: 7, seed: 3, batch: 4, time: 8)
        #expect(a.inputs == stream.randomBatch(step: 7, seed: 3, batch: 4, time: 8).inputs)
        #expect(a.inputs != stream.randomBatch(step: 8, seed: 3, batch: 4, time: 8).inputs)
        #expect(a.inputs != stream.randomBatch(step: 7, seed: 4, batch: 4, time: 8).inputs)
        // Consecutive steps share no rows (a weak generator would shift rows from step to step).
        let starts = { (step: Int) in Set(stream.randomBatch(step: step, seed: 3, batch: 4, time: 8).inputs.enumerated().filter { $0.offset % 8 == 0 }.map(\.element)) }
        #expect(starts(7).isDisjoint(with: starts(8)), "\(starts(7)) and \(starts(8)) share a row")
    }

    @Test func startsCoverTheStreamEvenly() throws {
        let stream = try Self.counting()
        let (B, T, steps) = (8, 16, 500)
        var deciles = [Int](repeating: 0, count: 10)
        for step in 0..<steps {
            let batch = stream.randomBatch(step: step, seed: 1, batch: B, time: T)
            for b in 0..<B { deciles[min(Int(batch.inputs[b * T]) * 10 / (1000 - T), 9)] += 1 }
        }
        // 4,000 draws, 400 expected per tenth of the range; a binomial's sd is 19.
        #expect(deciles.allSatisfy { (300...500).contains($0) }, "starts per tenth of the stream: \(deciles)")
    }

    @Test func optionsSavedWithoutTheFieldLoadAsSequential() throws {
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainingOptions())) as? [String: Any] ?? [:]
        #expect(old["windows"] as? String == "sequential")
        old["windows"] = nil
        old["steps"] = 77
        let decoded = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(decoded.windows == .sequential && decoded.steps == 77)
        var random = TrainingOptions()
        random.windows = .random
        #expect(try JSONDecoder().decode(TrainingOptions.self, from: JSONEncoder().encode(random)) == random)
    }
}
