// RecurrentLM: RNN, LSTM and GRU language models trained next-token on CPU.
//
// The recurrent layers (``NeuralCore/RecurrentStack``), the embedding, linear and cross-entropy
// layers, the optimizer, the training loop, checkpoints and evaluation are NeuralCore's; this module
// holds only the wiring of a recurrent language model:
// - ``RecurrentConfig``: cell, sizes, dropout, weight tying, projection;
// - ``RecurrentModel``: embedding → recurrent layers → optional projection → head, laid out by
//   ``RecurrentLayout`` with PyTorch's names (`rnn.weight_ih_l0`, …) so that `torch.nn.LSTM`/`GRU`/`RNN`
//   load the recurrent tensors unchanged;
// - ``RecurrentSampler``: generation carrying the state token by token.
import NeuralCore
