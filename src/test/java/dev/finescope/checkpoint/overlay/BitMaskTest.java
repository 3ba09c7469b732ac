package dev.finescope.checkpoint.overlay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BitMaskTest {

    @Test
    void entryIGoesToBitIModEightOfByteIDivEightLeastSignificantFirst() {
        // entries 0..10: kept at 0, 3, 7, 8 and 10
        boolean[] kept = new boolean[11];
        kept[0] = true;
        kept[3] = true;
        kept[7] = true;
        kept[8] = true;
        kept[10] = true;
        BitMask m = BitMask.pack(new long[] {11}, kept);
        assertArrayEquals(new byte[] {(byte) 0b1000_1001, (byte) 0b0000_0101}, m.packed());
        assertEquals(5, m.keptCount());
        assertEquals(6, m.zeroedCount());
        assertEquals(11, m.numel());
    }

    @Test
    void packedLengthIsTheCeilingOfEntriesOverEight() {
        assertEquals(0, BitMask.packedLength(0));
        assertEquals(1, BitMask.packedLength(1));
        assertEquals(1, BitMask.packedLength(8));
        assertEquals(2, BitMask.packedLength(9));
        assertEquals(10_612_092L, BitMask.packedLength(84_896_736L));
    }

    @Test
    void packingAndUnpackingRoundTripForEveryLengthUpToSeventeen() {
        Random random = new Random(7);
        for (int n = 0; n <= 17; n++) {
            boolean[] kept = new boolean[n];
            for (int i = 0; i < n; i++) {
                kept[i] = random.nextBoolean();
            }
            BitMask m = BitMask.pack(new long[] {n}, kept);
            assertArrayEquals(kept, m.unpack(), "n=" + n);
            BitMask again = BitMask.fromPacked(new long[] {n}, m.packed());
            assertEquals(m, again);
            for (int i = 0; i < n; i++) {
                assertEquals(kept[i], again.isKept(i), "n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void zeroOneBytesPackLikeFlagsAndTheLogicalShapeIsKept() {
        byte[] zeroOne = {1, 0, 0, 1, 1, 1};
        BitMask m = BitMask.pack(new long[] {2, 3}, zeroOne);
        assertArrayEquals(new long[] {2, 3}, m.shape());
        assertArrayEquals(new byte[] {0b0011_1001}, m.packed());
        assertEquals(m, BitMask.pack(new long[] {2, 3},
                new boolean[] {true, false, false, true, true, true}));
        assertEquals(2.0 / 6, m.zeroedFraction(), 0.0);
    }

    @Test
    void bytesOtherThanZeroAndOneAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BitMask.pack(new long[] {3}, new byte[] {1, 2, 0}));
        assertEquals("entry 1 of the mask is 2, not 0 or 1", e.getMessage());
    }

    @Test
    void packedBytesOfTheWrongLengthAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BitMask.fromPacked(new long[] {3, 3}, new byte[1]));
        assertEquals("shape [3, 3] has 9 entries, which pack into 2 bytes, got 1", e.getMessage());
    }

    @Test
    void setBitsPastTheLastEntryAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BitMask.fromPacked(new long[] {3}, new byte[] {0b0000_1111}));
        assertTrue(e.getMessage().startsWith("the last byte sets bits past entry 2"), e.getMessage());
        assertEquals(3, BitMask.fromPacked(new long[] {3}, new byte[] {0b0000_0111}).keptCount());
    }

    @Test
    void theMaskIsImmutable() {
        BitMask m = BitMask.pack(new long[] {4}, new boolean[] {true, true, false, false});
        m.packed()[0] = 0;
        m.shape()[0] = 9;
        assertTrue(m.isKept(0));
        assertArrayEquals(new long[] {4}, m.shape());
        assertFalse(m.isKept(3));
        assertThrows(IndexOutOfBoundsException.class, () -> m.isKept(4));
    }
}
