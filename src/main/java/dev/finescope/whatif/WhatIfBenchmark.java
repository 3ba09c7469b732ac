package dev.finescope.whatif;

import dev.finescope.common.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The yardstick of what-if speed ({@code finescope bench whatif}): one plain evaluation, then the same full
 * sensitivity sweep without and with the hidden-state cache, with the largest difference of their metrics as a
 * check that the cache changes the time and nothing else.
 */
public final class WhatIfBenchmark {

    /**
     * What one benchmark measured.
     *
     * @param examples         examples evaluated
     * @param points           evaluations per sweep
     * @param openSeconds      opening the uncached session: model, data, tokenizing and one evaluation
     * @param plainSeconds     one plain evaluation of the whole model (warm)
     * @param uncachedSeconds  the sweep recomputing every layer (NaN when skipped)
     * @param cachedSeconds    the sweep from cached layer inputs, filling the cache included
     * @param plainCpu         CPU seconds of the process in the plain evaluation (all threads): on a machine others
     *                         share, a truer measure of the work than the wall time
     * @param uncachedCpu      CPU seconds of the uncached sweep
     * @param cachedCpu        CPU seconds of the cached sweep
     * @param cacheBytes       hidden states held by the cache
     * @param maxMetricDiff    largest |metric difference| of a point between the two sweeps (NaN when one was skipped)
     */
    public record Result(String model, String metric, double baseline, int examples, int points, double openSeconds,
                         double plainSeconds, double uncachedSeconds, double cachedSeconds, double plainCpu,
                         double uncachedCpu, double cachedCpu, long cacheBytes, double maxMetricDiff) {

        /** Lines for a terminal. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%s on %d examples: %s %.4f%n", model, examples, metric, baseline));
            sb.append(String.format(Locale.ROOT, "open (read, tokenize, first evaluation) %8.2f s%n", openSeconds));
            sb.append(String.format(Locale.ROOT, "one plain evaluation                    %8.2f s wall %8.2f s CPU%n",
                    plainSeconds, plainCpu));
            sb.append(String.format(Locale.ROOT, "sweep of %d points without the cache   %8.2f s wall %8.2f s CPU%n",
                    points, uncachedSeconds, uncachedCpu));
            sb.append(String.format(Locale.ROOT, "sweep of %d points with the cache      %8.2f s wall %8.2f s CPU "
                    + "(cache %.1f MB, filling it included)%n", points, cachedSeconds, cachedCpu, cacheBytes / 1e6));
            if (!Double.isNaN(uncachedSeconds)) {
                sb.append(String.format(Locale.ROOT, "cache speed-up %.2f× wall, %.2f× CPU; largest metric "
                        + "difference between the sweeps %.2g%n", uncachedSeconds / cachedSeconds,
                        uncachedCpu / cachedCpu, maxMetricDiff));
            }
            return sb.toString();
        }
    }

    private WhatIfBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param withoutCache false to skip the uncached sweep (it takes longest)
     * @param say          told what is happening, one line at a time
     */
    public static Result run(SessionSpec spec, SweepSpec sweep, boolean withoutCache, Consumer<String> say) {
        long t0 = System.nanoTime();
        double open;
        double plain;
        double uncachedSeconds = Double.NaN;
        double uncachedCpu = Double.NaN;
        double plainCpu;
        List<SweepPoint> uncachedPoints = null;
        String model;
        String metric;
        double baseline;
        int examples;
        try (WhatIfSession uncached = WhatIfSession.open(spec.withCache(false), null)) {
            open = seconds(t0);
            model = uncached.modelLabel();
            metric = uncached.primaryMetric();
            baseline = uncached.baseline().primary();
            examples = uncached.examples();
            say.accept(String.format(Locale.ROOT, "opened %s in %.2f s", model, open));
            double c0 = cpuSeconds();
            Outcome o = uncached.evaluate(List.of(), Progress.NONE);
            plain = o.nanos() / 1e9;
            plainCpu = cpuSeconds() - c0;
            say.accept(String.format(Locale.ROOT, "one plain evaluation: %.2f s", plain));
            if (withoutCache) {
                long t = System.nanoTime();
                double c = cpuSeconds();
                SweepResult r = SensitivitySweep.run(uncached, sweep, null, progress("without the cache", say),
                        Progress.NONE);
                uncachedSeconds = seconds(t);
                uncachedCpu = cpuSeconds() - c;
                uncachedPoints = r.points();
            }
        }
        long t = System.nanoTime();
        double c = cpuSeconds();
        SweepResult cached;
        long cacheBytes;
        try (WhatIfSession session = WhatIfSession.open(spec.withCache(true), null)) {
            cached = SensitivitySweep.run(session, sweep, null, progress("with the cache", say), Progress.NONE);
            cacheBytes = session.cacheBytes();
        }
        double cachedSeconds = seconds(t);
        double cachedCpu = cpuSeconds() - c;
        double diff = Double.NaN;
        if (uncachedPoints != null) {
            diff = 0;
            List<SweepPoint> a = new ArrayList<>(uncachedPoints);
            List<SweepPoint> b = new ArrayList<>(cached.points());
            for (int i = 0; i < a.size(); i++) {
                diff = Math.max(diff, Math.abs(a.get(i).metric() - b.get(i).metric()));
            }
        }
        return new Result(model, metric, baseline, examples, cached.points().size(), open, plain, uncachedSeconds,
                cachedSeconds, plainCpu, uncachedCpu, cachedCpu, cacheBytes, diff);
    }

    private static SweepListener progress(String what, Consumer<String> say) {
        return (p, done, total) -> {
            if (done % Math.max(1, total / 10) == 0 || done == total) {
                say.accept(String.format(Locale.ROOT, "  %s: %d of %d points", what, done, total));
            }
        };
    }

    /** CPU time of the whole process (native threads included), NaN where the platform does not say. */
    static double cpuSeconds() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
