package dev.finescope.checkpoint;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The peak Java heap of a piece of work, for the benchmarks' memory targets: the JVM's heap pools each remember
 * their peak, so a benchmark resets them, does the work, and reads their sum.
 */
public final class HeapPeaks {

    private HeapPeaks() {
    }

    /** Starts a new measurement: every heap pool's peak becomes its current use. */
    public static void reset() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peak use since the last {@link #reset()} (or the JVM's start), in bytes. */
    public static long bytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
