package dev.finescope.train;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What one forward pass gives: the embeddings' output and every layer's output ({@code [batch, seq, hidden]},
 * as transformers' {@code hidden_states}), the pooled output when the model has a pooler, and the head's
 * logits {@code [batch, labels]}. The arrays belong to the manager the batch was given in.
 */
public record BertOutput(List<NDArray> hiddenStates, NDArray pooled, NDArray logits) {

    public NDArray lastHiddenState() {
        return hiddenStates.get(hiddenStates.size() - 1);
    }
}
