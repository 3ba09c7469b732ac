package dev.finescope.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.finescope.checkpoint.GridColumn;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class PlanCostTest {

    /** Counts are exact; shares and entropies are doubles computed in a different order than by hand. */
    private static final double SHARE_TOLERANCE = 1e-12;
    private static final double BYTES_TOLERANCE = 1e-6;

    private static final ModelLayout TINY = TinyLayouts.tiny();
    private static final ModelLayout BERT_BASE = ModelLayout.bert(BertShape.BERT_BASE);
    /** 12 layers × (4 × 768² + 2 × 768 × 3072) encoder matrix entries. */
    private static final long BERT_BASE_ENCODER_WEIGHTS = 84_934_656L;

    @Test
    void mixedPlanOnTheTinyModelCostsWhatWeCountByHand() {
        Plan plan = Plan.uniform("", Action.FREEZE)
                .with(MatrixCell.layer(0, GridColumn.Q), Action.FINE_TUNE)
                .with(MatrixCell.layer(1, GridColumn.FFN_IN), Action.sparsify(0.25));
        PlanCost c = PlanCost.of(plan, TINY, new PlanCost.Assumptions(2, 8));
        // grid 444 + head 4 × 2 + 2 = 454
        assertEquals(454, c.totalParameters());
        // trained: query 16 + its bias 4 + layer 0's two LayerNorms 8 + 8 + head 10 = 46; scores 32
        assertEquals(46 + 32, c.trainableParameters());
        assertEquals(32, c.scoreParameters());
        // 46 × 4 bytes + ceil(32 / 8) mask bytes
        assertEquals(184 + 4, c.overlayBytes());
        assertEquals(4, c.rawMaskBytes());
        assertEquals(454 * 4, c.fullCopyBytes());
        assertEquals(32, c.maskedEntries());
        assertEquals(8, c.entriesZeroed());
        // encoder matrices per token: 2 × (4 × 16 + 32 + 32) = 256; attention 2 layers × 2 × 8 tokens × 4 = 128
        assertEquals(8.0 / 384.0, c.encoderFlopsSkipped(), SHARE_TOLERANCE);
        // 32 × H(0.25) bits, H(0.25) = 0.811278124459133
        assertEquals(32 * 0.811278124459133 / 8, c.entropyCodedMaskBytes(), BYTES_TOLERANCE);
    }

    @Test
    void masksRoundUpToWholeBytesPerMatrix() {
        // with intermediate size 5, FFN-in is 5 × 4 = 20 entries: 2.5 bytes of mask, stored as 3
        ModelLayout odd = ModelLayout.bert(new BertShape(1, 4, 5, 10, 6, 2, true));
        Plan plan = Plan.uniform("", Action.FREEZE).with(MatrixCell.layer(0, GridColumn.FFN_IN), Action.sparsify(0.5));
        PlanCost c = PlanCost.of(plan, odd, new PlanCost.Assumptions(2, 8));
        assertEquals(3, c.rawMaskBytes());
        assertEquals(10, c.entriesZeroed());
        // head only besides the mask: 10 × 4 bytes
        assertEquals(40 + 3, c.overlayBytes());
    }

    @Test
    void fullFineTuningOfBertBaseTrainsEveryParameterAndStoresAFullCopy() {
        PlanCost c = PlanCost.of(Presets.fullFineTuning(), BERT_BASE);
        // 109,482,240 parameters of bert-base-uncased + a 2-label head of 768 × 2 + 2
        assertEquals(109_483_778L, c.totalParameters());
        assertEquals(109_483_778L, c.trainableParameters());
        assertEquals(c.fullCopyBytes(), c.overlayBytes());
        assertEquals(437_935_112L, c.fullCopyBytes());
        assertEquals(0.0, c.encoderFlopsSkipped());
    }

    @Test
    void bitFitOnBertBaseTrainsAboutATenthOfAPercent() {
        PlanCost c = PlanCost.of(Presets.biasesOnly(), BERT_BASE);
        // per layer: biases 4 × 768 + 3072 + 768 = 6912, LayerNorm biases 2 × 768 = 1536 → 8448, × 12 = 101,376;
        // embeddings LayerNorm bias 768, pooler bias 768, head 1538
        assertEquals(101_376L + 768 + 768 + 1538, c.trainableParameters());
        assertEquals("0.095%", String.format(Locale.ROOT, "%.3f%%", 100 * c.trainableShare()));
    }

    @Test
    void bertBaseMasksTakeOneBitPerEncoderWeightAsMethodSays() {
        PlanCost c = PlanCost.of(Presets.sparsifyEncoder(BERT_BASE, 0.01), BERT_BASE);
        assertEquals(BERT_BASE_ENCODER_WEIGHTS, c.maskedEntries());
        assertEquals(BERT_BASE_ENCODER_WEIGHTS / 8, c.rawMaskBytes());
        // method.md: "10.6 MB raw versus 340 MB of fp32"
        assertEquals("10.6", megabytes(c.rawMaskBytes(), 1));
        assertEquals("340", megabytes(4 * c.maskedEntries(), 0));
        // the overlay is the masks plus the head
        assertEquals(BERT_BASE_ENCODER_WEIGHTS / 8 + 4 * 1538, c.overlayBytes());
    }

    @Test
    void bertBaseEntropyCodedMasksMatchMethodAtOnePercentAndTenPercent() {
        PlanCost one = PlanCost.of(Presets.sparsifyEncoder(BERT_BASE, 0.01), BERT_BASE);
        PlanCost ten = PlanCost.of(Presets.sparsifyEncoder(BERT_BASE, 0.10), BERT_BASE);
        // n·H(s)/8 with H(0.01) = 0.08079313589591118, H(0.1) = 0.4689955935892812
        assertEquals(BERT_BASE_ENCODER_WEIGHTS * 0.08079313589591118 / 8, one.entropyCodedMaskBytes(), 1e-3);
        assertEquals(BERT_BASE_ENCODER_WEIGHTS * 0.4689955935892812 / 8, ten.entropyCodedMaskBytes(), 1e-3);
        // method.md §4: "0.86 MB at 1%, 5.0 MB at 10%"
        assertEquals("0.86", megabytes(one.entropyCodedMaskBytes(), 2));
        assertEquals("5.0", megabytes(ten.entropyCodedMaskBytes(), 1));
    }

    @Test
    void bertBaseZerosAtTenPercentSkipTheirShareOfEncoderMultiplyAdds() {
        PlanCost c = PlanCost.of(Presets.sparsifyEncoder(BERT_BASE, 0.10), BERT_BASE,
                new PlanCost.Assumptions(2, 128));
        // per layer 4 × round(58,982.4) + 2 × round(235,929.6) = 707,788; × 12
        assertEquals(8_493_456L, c.entriesZeroed());
        // attention: 12 layers × 2 × 128 tokens × 768 = 2,359,296
        assertEquals(8_493_456.0 / (BERT_BASE_ENCODER_WEIGHTS + 2_359_296L), c.encoderFlopsSkipped(),
                SHARE_TOLERANCE);
        // the masks' score tensors train, and the head: nothing else
        assertEquals(BERT_BASE_ENCODER_WEIGHTS + 1538, c.trainableParameters());
        assertEquals(BERT_BASE_ENCODER_WEIGHTS, c.scoreParameters());
    }

    @Test
    void zerosInTheEmbeddingsSaveNoEncoderCompute() {
        Plan plan = Plan.uniform("", Action.FREEZE)
                .with(MatrixCell.parse("embeddings", "Word"), Action.sparsify(0.5));
        PlanCost c = PlanCost.of(plan, TINY, new PlanCost.Assumptions(2, 8));
        assertEquals(20, c.entriesZeroed());
        assertEquals(0.0, c.encoderFlopsSkipped());
    }

    @Test
    void binaryEntropyIsOneBitAtOneHalfAndZeroAtTheEnds() {
        assertEquals(1.0, PlanCost.binaryEntropy(0.5));
        assertEquals(0.0, PlanCost.binaryEntropy(0));
        assertEquals(0.0, PlanCost.binaryEntropy(1));
    }

    private static String megabytes(double bytes, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", bytes / 1e6);
    }
}
