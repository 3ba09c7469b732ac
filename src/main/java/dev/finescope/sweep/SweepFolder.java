package dev.finescope.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.common.AtomicFiles;
import dev.finescope.run.RunException;
import dev.finescope.run.RunFolder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A sweep on disk: {@code sweep.json} (the sweep file with absolute paths), {@code manifest.json} (the runs in grid
 * order with their coordinates) and one prepared run folder per run under {@code runs/<id>/}. Nothing else is
 * stored: whether a run is pending, running or done is read from its folder. While a run trains, whoever started
 * it holds a lock on {@code runs/<id>/.lock}, so two sweep processes on one folder never train one run twice.
 */
public final class SweepFolder {

    public static final String SWEEP_FILE = "sweep.json";
    public static final String MANIFEST_FILE = "manifest.json";
    public static final String RUNS_FOLDER = "runs";
    static final String MANIFEST_FORMAT = "finescope.sweep-manifest/1";

    private final Path path;
    private final String name;
    private final String metric;
    private final List<String> hyperParameterAxes;
    private final List<SweepRun> runs;

    private SweepFolder(Path path, String name, String metric, List<String> hyperParameterAxes, List<SweepRun> runs) {
        this.path = path;
        this.name = name;
        this.metric = metric;
        this.hyperParameterAxes = List.copyOf(hyperParameterAxes);
        this.runs = List.copyOf(runs);
    }

    /**
     * Lays the sweep out in {@code folder} (new, empty, or this sweep's folder, perhaps of an older version of the
     * file): writes {@code sweep.json}, prepares the folder of every run that has none yet, and then writes the
     * manifest. Runs already there are left as they are; so is the folder of a run the sweep no longer holds.
     */
    public static SweepFolder create(SweepFile sweep, Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new SweepException(dir, "is a file, not a sweep folder");
        }
        if (Files.isDirectory(dir) && !isSweepFolder(dir) && !isEmpty(dir)) {
            throw new SweepException(dir, "is neither a sweep folder (no " + MANIFEST_FILE + ") nor empty");
        }
        List<SweepGrid.Point> points = SweepGrid.expand(sweep, dir.resolve(RUNS_FOLDER));
        try {
            Files.createDirectories(dir.resolve(RUNS_FOLDER));
        } catch (IOException e) {
            throw new SweepException(dir, "cannot create the sweep folder: " + e.getMessage(), e);
        }
        sweep.write(dir.resolve(SWEEP_FILE));
        for (SweepGrid.Point p : points) {
            Path run = p.spec().output();
            if (!Files.isRegularFile(run.resolve(RunFolder.SPEC_FILE))
                    && !Files.isRegularFile(run.resolve(RunFolder.EVENTS_FILE))) {
                try {
                    RunFolder.prepare(p.spec());
                } catch (RunException e) {
                    throw new SweepException(run, e.problem(), e);
                }
            }
        }
        List<SweepRun> runs = points.stream().map(SweepGrid.Point::run).toList();
        SweepFolder f = new SweepFolder(dir, sweep.name(), sweep.metric(),
                List.copyOf(sweep.hyperParameterAxes().keySet()), runs);
        f.writeManifest();
        return f;
    }

    /** A sweep folder as its manifest describes it. */
    public static SweepFolder open(Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        Path manifest = dir.resolve(MANIFEST_FILE);
        String text;
        try {
            text = Files.readString(manifest, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SweepException(dir, Files.isDirectory(dir) ? "not a sweep folder (no " + MANIFEST_FILE + ")"
                    : "no such sweep folder");
        } catch (IOException e) {
            throw new SweepException(manifest, "cannot read: " + e.getMessage(), e);
        }
        try {
            JsonNode n = SweepFile.JSON.readTree(text);
            if (n == null || !MANIFEST_FORMAT.equals(n.path("format").asText())) {
                throw new SweepException(manifest, "not a sweep manifest (format is not '" + MANIFEST_FORMAT + "')");
            }
            List<String> axes = new ArrayList<>();
            n.path("hyperParameterAxes").forEach(a -> axes.add(a.asText()));
            List<SweepRun> runs = new ArrayList<>();
            for (JsonNode r : n.path("runs")) {
                Map<String, String> hp = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = r.path("hyperParameters").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    hp.put(e.getKey(), e.getValue().asText());
                }
                JsonNode s = r.get("sparsity");
                runs.add(new SweepRun(r.path("id").asText(), r.path("task").asText(), r.path("plan").asText(),
                        s == null || s.isNull() ? null : s.asDouble(), r.path("seed").asLong(), hp));
            }
            JsonNode metric = n.get("metric");
            return new SweepFolder(dir, n.path("name").asText(""), metric == null || metric.isNull() ? null
                    : metric.asText(), axes, runs);
        } catch (JsonProcessingException e) {
            throw new SweepException(manifest, "not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** True for a folder holding a sweep manifest. */
    public static boolean isSweepFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(MANIFEST_FILE));
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private void writeManifest() {
        ObjectNode n = SweepFile.JSON.createObjectNode();
        n.put("format", MANIFEST_FORMAT);
        n.put("name", name);
        if (metric != null) {
            n.put("metric", metric);
        }
        ArrayNode axes = n.putArray("hyperParameterAxes");
        hyperParameterAxes.forEach(axes::add);
        ArrayNode list = n.putArray("runs");
        for (SweepRun r : runs) {
            ObjectNode o = list.addObject();
            o.put("id", r.id());
            o.put("task", r.task());
            o.put("plan", r.plan());
            if (r.sparsity() == null) {
                o.putNull("sparsity");
            } else {
                o.put("sparsity", r.sparsity());
            }
            o.put("seed", r.seed());
            ObjectNode hp = o.putObject("hyperParameters");
            r.hyperParameters().forEach(hp::put);
        }
        Path file = path.resolve(MANIFEST_FILE);
        try {
            AtomicFiles.write(file, (SweepFile.PRETTY.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SweepException(file, "cannot write: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** What the user calls the sweep; may be empty. */
    public String name() {
        return name;
    }

    /** The report's dev metric as the sweep file named it, or empty for the first the runs report. */
    public Optional<String> metric() {
        return Optional.ofNullable(metric);
    }

    /** The swept hyper-parameters, in the sweep file's order. */
    public List<String> hyperParameterAxes() {
        return hyperParameterAxes;
    }

    /** The runs in grid order. */
    public List<SweepRun> runs() {
        return runs;
    }

    /** The folder of a run: {@code runs/<id>}. */
    public Path runPath(SweepRun run) {
        return path.resolve(RUNS_FOLDER).resolve(run.id());
    }

    /**
     * Takes the run's lock ({@code runs/<id>/.lock}) when no other process or thread holds it. The lock lasts
     * until closed, or until this process ends, however it ends.
     */
    public Optional<RunLock> tryLock(SweepRun run) {
        Path file = runPath(run).resolve(RunFolder.LOCK_FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new SweepException(file, "cannot open the run's lock: " + e.getMessage(), e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new RunLock(channel, lock));
            }
        } catch (OverlappingFileLockException e) {
            // this process holds it already
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SweepException(file, "cannot lock the run: " + e.getMessage(), e);
        }
        closeQuietly(channel);
        return Optional.empty();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was written through it
        }
    }

    /** A run's lock, held until closed. */
    public static final class RunLock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private RunLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                lock.release();
            } catch (IOException e) {
                // closing the channel releases it too
            }
            closeQuietly(channel);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
