package dev.finescope.plan;

/**
 * What a plan means for one tensor of a model: the single answer that the trainer, the overlay writer and the
 * cost panel all read, so they cannot disagree.
 *
 * @param sparsity the target share of zeros for a {@link TensorRole#MASKED} tensor, 0 otherwise
 */
public record TensorDecision(LayoutTensor tensor, TensorRole role, double sparsity) {

    /** Entries this decision sets to zero: {@link Action#zeroCount(long)} of the tensor for a masked one. */
    public long zeroCount() {
        return role == TensorRole.MASKED ? Action.sparsify(sparsity).zeroCount(tensor.numel()) : 0;
    }
}
