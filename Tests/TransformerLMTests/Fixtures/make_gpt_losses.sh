#!/bin/sh
# Writes Tests/TransformerLMTests/Fixtures/gpt_losses.json: the 20 training losses of
# DefaultModelLossesTests.losses() computed by the code of COMMIT (default 88ddd44, the last commit
# before NeuralCore), by running that test file's writeLossesFixture() inside a checkout of COMMIT.
# Usage (from the repository root):
#   sh Tests/TransformerLMTests/Fixtures/make_gpt_losses.sh [COMMIT [EXISTING_CHECKOUT_OF_COMMIT]]
# An existing checkout (e.g. `git worktree add /tmp/old 88ddd44`) reuses its build folder.
set -eu
commit=${1:-88ddd44}
root=$(pwd)
if [ $# -ge 2 ]; then
    tree=$2
    [ "$(git -C "$tree" rev-parse HEAD)" = "$(git rev-parse "$commit")" ] || { echo "$tree is not a checkout of $commit" >&2; exit 1; }
else
    tree=$(mktemp -d)/tree
    git worktree add --detach "$tree" "$commit"
fi
cp Tests/TransformerLMTests/DefaultModelLossesTests.swift "$tree/Tests/TransformerLMTests/"
(cd "$tree" && TESSERA_WRITE_GPT_LOSSES="$root/Tests/TransformerLMTests/Fixtures/gpt_losses.json" \
    TESSERA_GPT_LOSSES_COMMIT=$(git rev-parse "$commit") swift test -c release --filter writeLossesFixture)
rm "$tree/Tests/TransformerLMTests/DefaultModelLossesTests.swift"
[ $# -ge 2 ] || git worktree remove --force "$tree"
