package dev.finescope.analysis;

import dev.finescope.common.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task over every chunk of a list of tensors on a fixed number of threads. Each thread owns two float
 * buffers of at most one chunk, so the heap needed is {@code threads × 2 × chunk} floats whatever the model's
 * size. Chunk boundaries depend on the chunk size only and results come back per tensor in chunk order, so
 * whoever merges them in that order gets the same answer with one thread or sixteen.
 */
final class ChunkRunner {

    private static final Logger LOGGER = LoggerFactory.getLogger(ChunkRunner.class);

    /** The work of one chunk: elements {@code [from, from + count)} of job {@code job}. */
    @FunctionalInterface
    interface ChunkTask<R> {
        /** {@code first} and {@code second} hold at least {@code count} floats and belong to this thread. */
        R apply(int job, long from, int count, float[] first, float[] second);
    }

    /** One tensor (or pair) to walk: its name for progress, its length and the bytes one element stands for. */
    record Job(String name, long numel, long bytesPerElement) {
    }

    private final int threads;
    private final int chunkElements;

    ChunkRunner(int threads, int chunkElements) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        if (chunkElements < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1 element, not " + chunkElements);
        }
        this.threads = threads;
        this.chunkElements = chunkElements;
    }

    int threads() {
        return threads;
    }

    int chunkElements() {
        return chunkElements;
    }

    /**
     * Runs {@code task} over every chunk of every job and returns, per job, the chunk results in chunk order.
     * Checks {@link Progress#isCancelled()} before every chunk and reports after every chunk.
     *
     * @throws CancellationException when the progress asked to stop or the calling thread was interrupted
     */
    <R> List<List<R>> run(List<Job> jobs, ChunkTask<R> task, Progress progress, String doing) {
        Units units = new Units(jobs, chunkElements);
        Object[][] results = new Object[jobs.size()][];
        for (int j = 0; j < jobs.size(); j++) {
            results[j] = new Object[units.chunksOf[j]];
        }
        Shared shared = new Shared(units, progress, doing);
        int workers = Math.min(threads, units.count());
        long started = System.nanoTime();
        if (workers <= 1) {
            work(units, task, results, shared);
        } else {
            runOnThreads(workers, () -> work(units, task, results, shared), shared);
        }
        shared.rethrow();
        LOGGER.debug("{}: {} chunks of {} tensors on {} threads in {} ms", doing, units.count(), jobs.size(),
                Math.max(workers, 1), (System.nanoTime() - started) / 1_000_000);
        List<List<R>> out = new ArrayList<>(jobs.size());
        for (Object[] perJob : results) {
            @SuppressWarnings("unchecked")
            List<R> list = (List<R>) Arrays.asList(perJob);
            out.add(list);
        }
        return out;
    }

    private static void runOnThreads(int workers, Runnable work, Shared shared) {
        List<Thread> started = new ArrayList<>(workers - 1);
        try {
            for (int i = 1; i < workers; i++) {
                Thread t = new Thread(work, "finescope-analysis-" + i);
                t.setDaemon(true);
                t.start();
                started.add(t);
            }
            work.run();
        } finally {
            boolean interrupted = false;
            for (Thread t : started) {
                while (t.isAlive()) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                        shared.cancel();
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <R> void work(Units units, ChunkTask<R> task, Object[][] results, Shared shared) {
        int size = (int) Math.min(chunkElements, Math.max(1, units.largestChunk));
        float[] first = new float[size];
        float[] second = new float[size];
        while (!shared.stop) {
            int u = shared.next.getAndIncrement();
            if (u >= units.count()) {
                return;
            }
            if (shared.progress.isCancelled() || Thread.currentThread().isInterrupted()) {
                shared.cancel();
                return;
            }
            int job = units.job[u];
            int chunk = units.chunk[u];
            long from = (long) chunk * chunkElements;
            int count = (int) Math.min(chunkElements, units.jobs.get(job).numel() - from);
            try {
                results[job][chunk] = task.apply(job, from, count, first, second);
            } catch (RuntimeException | Error e) {
                shared.fail(e);
                return;
            }
            shared.report(count * units.jobs.get(job).bytesPerElement(), units.jobs.get(job).name());
        }
    }

    /** The chunks of all jobs, flattened in job order then chunk order. */
    private static final class Units {
        final List<Job> jobs;
        final int[] chunksOf;
        final int[] job;
        final int[] chunk;
        final long totalBytes;
        final long largestChunk;

        Units(List<Job> jobs, int chunkElements) {
            this.jobs = List.copyOf(jobs);
            chunksOf = new int[jobs.size()];
            long total = 0;
            long bytes = 0;
            long largest = 0;
            for (int j = 0; j < jobs.size(); j++) {
                long n = jobs.get(j).numel();
                long chunks = Math.max(1, (n + chunkElements - 1) / chunkElements);
                if (chunks > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(jobs.get(j).name() + " has too many chunks: " + chunks);
                }
                chunksOf[j] = (int) chunks;
                total += chunks;
                bytes += n * jobs.get(j).bytesPerElement();
                largest = Math.max(largest, Math.min(n, chunkElements));
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("too many chunks: " + total + "; use a larger chunk size");
            }
            job = new int[(int) total];
            chunk = new int[(int) total];
            int u = 0;
            for (int j = 0; j < jobs.size(); j++) {
                for (int c = 0; c < chunksOf[j]; c++) {
                    job[u] = j;
                    chunk[u] = c;
                    u++;
                }
            }
            totalBytes = bytes;
            largestChunk = largest;
        }

        int count() {
            return job.length;
        }
    }

    /** What the workers of one run share: the next unit, the progress, and how the run ended. */
    private static final class Shared {
        final AtomicInteger next = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Progress progress;
        final String doing;
        final long totalBytes;
        private long doneBytes;
        private long reported = -1;
        volatile boolean stop;
        volatile boolean cancelled;

        Shared(Units units, Progress progress, String doing) {
            this.progress = progress;
            this.doing = doing;
            this.totalBytes = units.totalBytes;
        }

        void cancel() {
            cancelled = true;
            stop = true;
        }

        void fail(Throwable t) {
            failure.compareAndSet(null, t);
            stop = true;
        }

        /** Adds finished bytes and reports them; serialised so that a listener sees "done" only grow. */
        synchronized void report(long bytes, String tensor) {
            doneBytes += bytes;
            if (doneBytes > reported) {
                reported = doneBytes;
                progress.update(doneBytes, totalBytes, doing + " " + tensor);
            }
        }

        void rethrow() {
            Throwable t = failure.get();
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (cancelled) {
                throw new CancellationException(doing + ": cancelled");
            }
        }
    }
}
