import ArgumentParser
import Foundation
import NeuralCore
import TransformerLM

extension ModelConfig.Positions: ExpressibleByArgument {}
extension ModelConfig.Norm: ExpressibleByArgument {}
extension ModelConfig.Activation: ExpressibleByArgument {}
extension ModelConfig.FFN: ExpressibleByArgument {}
extension WindowSampling: ExpressibleByArgument {}

/// Formatting helpers shared by the language-model commands.
enum LMFormat {
    /// `1h02m03s` / `4m05s` / `6s`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" }
        if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }
}
