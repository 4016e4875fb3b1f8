import ArgumentParser
import NeuralCore

/// `--cell` of `train-seq2seq`: the recurrent cell of `--arch rnn-attention` and `rnn`.
enum Seq2SeqCell: String, ExpressibleByArgument, CaseIterable {
    case lstm, gru

    /// NeuralCore's cell.
    var recurrentCell: RecurrentCell { self == .lstm ? .lstm : .gru }
}
