package dev.finescope.whatif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PruningTest {

    @Test
    void theCountIsTheRoundedShareHalfUp() {
        assertEquals(0, Pruning.count(0, 1000));
        assertEquals(3, Pruning.count(0.3125, 8));
        assertEquals(2, Pruning.count(0.3, 8));
        assertEquals(8, Pruning.count(1, 8));
        assertEquals(442_368, Pruning.count(0.75, 384 * 1536));
    }

    @Test
    void magnitudeOrderPutsSmallestFirstAndBreaksTiesByLowerIndex() {
        float[] w = {0.5f, -0.1f, 0.1f, 0f, -0f, 0.1f, 2f, -0.1f, Float.NaN, -3f};
        assertArrayEquals(new int[] {3, 4, 1, 2, 5, 7, 0, 6, 9, 8}, Pruning.magnitudeOrder(w));
    }

    @Test
    void randomChoiceIsExactlyKDistinctSeededAndNested() {
        int[] a = Pruning.randomChoice(1000, 300, 42, "encoder.layer.0.attention.self.query.weight");
        assertEquals(300, a.length);
        assertEquals(300, IntStream.of(a).distinct().count());
        assertEquals(true, IntStream.of(a).allMatch(i -> i >= 0 && i < 1000));
        assertArrayEquals(a, Pruning.randomChoice(1000, 300, 42, "encoder.layer.0.attention.self.query.weight"));
        int[] more = Pruning.randomChoice(1000, 500, 42, "encoder.layer.0.attention.self.query.weight");
        assertArrayEquals(a, Arrays.copyOf(more, 300), "a larger share contains the smaller one");
        assertNotEquals(Arrays.toString(a), Arrays.toString(
                Pruning.randomChoice(1000, 300, 42, "encoder.layer.0.attention.self.key.weight")));
        assertNotEquals(Arrays.toString(a), Arrays.toString(
                Pruning.randomChoice(1000, 300, 43, "encoder.layer.0.attention.self.query.weight")));
    }
}
