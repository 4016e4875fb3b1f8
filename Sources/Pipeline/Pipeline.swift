// Pipeline: one run from corpus files to a trained language model, with a report.
//
// A run is a directory. Each stage (normalize → tokenizer → encode → embeddings → lm →
// evaluate → generate → report) writes its artifacts there and a record of the fingerprint of
// its inputs and options (``StageRecord``). Running again skips every stage whose fingerprint is
// unchanged; a change re-runs that stage and those after it. The configuration is JSON
// (``PipelineConfig``), read strictly (``StrictJSON``): an unknown field or a wrong type is an
// error naming the field, before any work starts. The report is one self-contained HTML file
// with SVG charts (``SVGChart``, ``HTMLReport``).
