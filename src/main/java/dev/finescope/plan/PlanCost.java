package dev.finescope.plan;

import dev.finescope.checkpoint.GridRow;
import java.util.List;

/**
 * What a plan costs on a model, for the cost panel and the run report: how much trains, how much a task
 * stores next to the shared base, and how many multiply-adds the zeros could skip.
 *
 * <p>Counting rules, so the numbers can be checked by hand:
 * <ul>
 * <li>Parameters are those of the grid (embeddings, encoder, pooler) plus a fresh task head of
 *     {@code hidden × labels + labels}; tensors outside the grid (buffers, a pre-training head) and any head
 *     already in the model are not counted.</li>
 * <li>Trainable parameters: trained tensors per the plan and its bias rule, the head, and for every sparsified
 *     matrix its score tensor (as many scores as entries: they are what the optimiser updates).</li>
 * <li>Overlay bytes: tensor data only (not the file header), 4 bytes per entry of every trained tensor and of
 *     the head (fp32 whatever the base's type), plus {@code ceil(n / 8)} bytes per masked matrix (1 bit per
 *     entry, rounded up per matrix). The full copy is 4 bytes per parameter.</li>
 * <li>Entries zeroed: {@link Action#zeroCount(long)}, i.e. {@code round(s·n)} per sparsified matrix.</li>
 * <li>Share of encoder FLOPs the zeros could skip, per token:
 *     {@code Z / (M + 2·L·T·H)} where Z is the number of zeros in encoder-layer matrices, M the number of entries
 *     of all encoder-layer matrices (one multiply-add each per token), L the number of layers, T the sequence
 *     length and H the hidden size ({@code 2·T·H} per layer: attention scores QKᵀ and the weighted sum of V).
 *     Embedding lookups, the pooler and the head are left out (they run once per sequence or do no
 *     multiplications); zeros in the embeddings or the pooler do not count in Z.</li>
 * <li>Entropy-coded mask size: {@code Σ n·H(s) / 8} bytes over masked matrices, with
 *     {@code H(s) = −s·log₂ s − (1−s)·log₂(1−s)} ({@code method.md} §4).</li>
 * </ul>
 *
 * @param totalParameters         grid parameters plus the head
 * @param trainableParameters     trained tensors + head + score tensors
 * @param scoreParameters         the part of {@code trainableParameters} that is mask scores
 * @param overlayBytes            tensor bytes of the task's overlay
 * @param fullCopyBytes           bytes of a full fp32 copy (grid plus head)
 * @param maskedEntries           entries of all sparsified matrices (bits of their raw masks)
 * @param entriesZeroed           zeros the masks set
 * @param encoderFlopsSkipped     share of encoder multiply-adds per token the zeros could skip, in [0, 1]
 * @param rawMaskBytes            bytes of the bit-packed masks (part of {@code overlayBytes})
 * @param entropyCodedMaskBytes   the masks' size under ideal entropy coding
 */
public record PlanCost(
        long totalParameters,
        long trainableParameters,
        long scoreParameters,
        long overlayBytes,
        long fullCopyBytes,
        long maskedEntries,
        long entriesZeroed,
        double encoderFlopsSkipped,
        long rawMaskBytes,
        double entropyCodedMaskBytes) {

    /**
     * What pricing a plan assumes beyond the model: the number of labels of the task head (1 for a regression
     * such as STS-B) and the sequence length that sets the attention cost.
     */
    public record Assumptions(int labels, int sequenceLength) {

        /** Two labels, 128 tokens: a binary classification at BERT's usual fine-tuning length. */
        public static final Assumptions DEFAULT = new Assumptions(2, 128);

        public Assumptions {
            if (labels < 1 || sequenceLength < 1) {
                throw new IllegalArgumentException(
                        "a head needs at least 1 label and a sequence at least 1 token, got " + labels
                                + " labels and " + sequenceLength + " tokens");
            }
        }
    }

    /** The cost of {@code plan} on {@code layout}; a {@link PlanException} when the plan does not fit it. */
    public static PlanCost of(Plan plan, ModelLayout layout, Assumptions assumptions) {
        List<TensorDecision> decisions = plan.resolve(layout);
        long hidden = layout.hiddenSize();
        long head = hidden * assumptions.labels() + assumptions.labels();
        long total = head;
        long trainedEntries = head;
        long scores = 0;
        long maskBytes = 0;
        long zeros = 0;
        long encoderZeros = 0;
        long encoderMatrixEntries = 0;
        double entropyBits = 0;
        for (TensorDecision d : decisions) {
            LayoutTensor t = d.tensor();
            if (t.position() == null || t.position().row().kind() == GridRow.Kind.HEAD) {
                continue;
            }
            long n = t.numel();
            total += n;
            boolean encoderMatrix = t.position().isWeight()
                    && MatrixCell.isMatrix(t.position().row(), t.position().column())
                    && t.position().row().kind() == GridRow.Kind.LAYER;
            if (encoderMatrix) {
                encoderMatrixEntries += n;
            }
            switch (d.role()) {
                case FROZEN -> { }
                case TRAINED -> trainedEntries += n;
                case MASKED -> {
                    scores += n;
                    maskBytes += (n + 7) / 8;
                    long z = d.zeroCount();
                    zeros += z;
                    if (encoderMatrix) {
                        encoderZeros += z;
                    }
                    entropyBits += n * binaryEntropy(d.sparsity());
                }
            }
        }
        long maskedEntries = scores;
        long attention = 2L * layout.layers() * assumptions.sequenceLength() * hidden;
        long denominator = encoderMatrixEntries + attention;
        double skipped = denominator == 0 ? 0 : (double) encoderZeros / denominator;
        return new PlanCost(total, trainedEntries + scores, scores, 4 * trainedEntries + maskBytes, 4 * total,
                maskedEntries, zeros, skipped, maskBytes, entropyBits / 8);
    }

    /** {@link #of(Plan, ModelLayout, Assumptions)} with {@link Assumptions#DEFAULT}. */
    public static PlanCost of(Plan plan, ModelLayout layout) {
        return of(plan, layout, Assumptions.DEFAULT);
    }

    /** Share of all parameters that train, in [0, 1]. */
    public double trainableShare() {
        return totalParameters == 0 ? 0 : (double) trainableParameters / totalParameters;
    }

    /** Overlay bytes as a share of a full copy. */
    public double overlayShareOfFullCopy() {
        return fullCopyBytes == 0 ? 0 : (double) overlayBytes / fullCopyBytes;
    }

    /** {@code H(s)} in bits: 0 at s = 0 and s = 1, 1 at s = ½. */
    public static double binaryEntropy(double s) {
        if (s <= 0 || s >= 1) {
            return 0;
        }
        return -(s * log2(s) + (1 - s) * log2(1 - s));
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
