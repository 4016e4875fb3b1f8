import Foundation

/// Linear warm-up to the peak rate, then cosine decay to `minFraction` of it at `totalSteps`.
public struct LearningRateSchedule: Codable, Sendable, Equatable {
    /// Peak learning rate.
    public var peak: Float
    /// Warm-up steps.
    public var warmup: Int
    /// Steps of the whole run.
    public var totalSteps: Int
    /// Final rate as a fraction of the peak.
    public var minFraction: Float

    /// Creates a schedule.
    public init(peak: Float, warmup: Int, totalSteps: Int, minFraction: Float = 0.1) {
        self.peak = peak; self.warmup = warmup; self.totalSteps = totalSteps; self.minFraction = minFraction
    }

    /// The rate for 0-based `step`.
    public func rate(at step: Int) -> Float {
        if step < warmup { return peak * Float(step + 1) / Float(warmup) }
        let span = max(totalSteps - warmup, 1)
        let progress = min(Double(step - warmup) / Double(span), 1)
        let minRate = Double(peak * minFraction)
        return Float(minRate + 0.5 * (Double(peak) - minRate) * (1 + cos(Double.pi * progress)))
    }
}
