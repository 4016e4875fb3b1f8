import ArgumentParser
import NeuralCore

/// `--arch` of `train-lm` and `bench train-lm`: the Transformer or a recurrent cell.
enum LMArchitecture: String, ExpressibleByArgument, CaseIterable {
    case transformer, rnn, lstm, gru

    /// The recurrent cell, or nil for the Transformer.
    var cell: RecurrentCell? { RecurrentCell(rawValue: rawValue) }
}
