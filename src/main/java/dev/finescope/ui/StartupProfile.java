package dev.finescope.ui;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the CPU time of a start went, by thread, when the first heatmap is on screen: the FX thread (building,
 * styling and laying out the window), the workers (opening and comparing the models), the start-up class loader,
 * JavaFX's renderer, and what the JVM spent on itself (compilers, garbage collector: the process's time less that
 * of its live Java threads). Unlike wall time it hardly depends on what else the machine does.
 */
final class StartupProfile {

    private StartupProfile() {
    }

    /** {@code CPU 4.20 s: JavaFX Application Thread 1.90 s, …, the JVM itself 0.50 s}. */
    static String describe() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()) {
            return "CPU time per thread is not measured on this JVM";
        }
        record Share(String name, long nanos) {
        }
        List<Share> shares = new ArrayList<>();
        long javaThreads = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t > 0) {
                shares.add(new Share(info.getThreadName(), t));
                javaThreads += t;
            }
        }
        shares.sort((a, b) -> Long.compare(b.nanos(), a.nanos()));
        long process = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(javaThreads);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "CPU %.2f s:", process / 1e9));
        long shown = 0;
        for (int i = 0; i < Math.min(6, shares.size()); i++) {
            Share s = shares.get(i);
            out.append(String.format(Locale.ROOT, " %s %.2f s,", s.name(), s.nanos() / 1e9));
            shown += s.nanos();
        }
        out.append(String.format(Locale.ROOT, " other Java threads %.2f s, the JVM itself (compilers, garbage "
                + "collector) %.2f s", (javaThreads - shown) / 1e9, Math.max(0, process - javaThreads) / 1e9));
        return out.toString();
    }
}
