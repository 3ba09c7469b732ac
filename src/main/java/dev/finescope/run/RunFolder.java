package dev.finescope.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.common.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run on disk ({@code product.md}, "Run"): {@code spec.json}, {@code events.jsonl}, {@code log.txt}, the
 * result overlay {@code overlay.safetensors} and {@code metrics.json}, plus {@code process.json} naming the
 * process that trains (so a later session can tell a live run from a dead one). The folder is the truth about a
 * run: the app finds runs again from their folders, and a run's status is derived from its events, never
 * stored. Whole files are written atomically; events are appended line by line ({@link EventLog}).
 */
public final class RunFolder {

    private static final Logger LOGGER = LoggerFactory.getLogger(RunFolder.class);

    public static final String SPEC_FILE = "spec.json";
    public static final String EVENTS_FILE = "events.jsonl";
    public static final String LOG_FILE = "log.txt";
    public static final String OVERLAY_FILE = "overlay.safetensors";
    public static final String METRICS_FILE = "metrics.json";
    public static final String PROCESS_FILE = "process.json";
    /** The checkpoint a run saves on the way, to resume from ({@code finescope train --resume}). */
    public static final String CHECKPOINT_FILE = "checkpoint.safetensors";
    /**
     * A lock file that whoever starts the run may keep in its folder while it trains (a sweep does, so that two
     * sweep processes never train one run twice); it is no part of the run.
     */
    public static final String LOCK_FILE = ".lock";
    /** Made and removed at each step to learn that the folder still takes new files. */
    static final String WRITE_CHECK_FILE = ".write-check";

    /** A process whose start time differs from the recorded one by more than this is another process. */
    static final Duration START_TIME_TOLERANCE = Duration.ofSeconds(1);

    private static final DateTimeFormatter FOLDER_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Path path;

    private RunFolder(Path path) {
        this.path = path;
    }

    /**
     * Makes the spec's output folder ready for a run: creates it when needed and writes {@code spec.json} (with
     * absolute paths) atomically. The app calls this before it launches {@code finescope train} on the folder; the
     * trainer then opens the folder as it is ({@link #openOrPrepare}). A folder that already holds events is
     * refused, so no run overwrites another.
     */
    public static RunFolder prepare(RunSpec spec) {
        RunSpec abs = spec.toAbsolute();
        Path dir = abs.output();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new RunException(dir, "the run's output is a file, not a folder");
        }
        if (Files.exists(dir.resolve(EVENTS_FILE))) {
            throw new RunException(dir, "this folder already holds a run (" + EVENTS_FILE + ")");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RunException(dir, "cannot create the run folder: " + e.getMessage(), e);
        }
        abs.write(dir.resolve(SPEC_FILE));
        return new RunFolder(dir);
    }

    /**
     * The folder a trainer runs {@code spec} in: the one prepared for this very spec ({@link #isPreparedFor}),
     * opened as it is, since whoever prepared it checked the spec and wrote it there; otherwise (a run started by
     * hand) the spec's output folder prepared now.
     */
    public static RunFolder openOrPrepare(RunSpec spec) {
        Path dir = spec.toAbsolute().output();
        return isPreparedFor(dir, spec) ? open(dir) : prepare(spec);
    }

    /**
     * Whether {@code folder} is the run folder prepared for this very spec and not started yet: it holds only the
     * spec (and the record of the process that runs it, and the starter's {@value #LOCK_FILE}), written exactly as
     * {@link #prepare} writes this spec, so training in it replaces nothing.
     */
    public static boolean isPreparedFor(Path folder, RunSpec spec) {
        Path specJson = folder.resolve(SPEC_FILE);
        if (!Files.isRegularFile(specJson)) {
            return false;
        }
        try (Stream<Path> files = Files.list(folder)) {
            boolean onlyOurs = files.map(p -> p.getFileName().toString())
                    .allMatch(n -> n.equals(SPEC_FILE) || n.equals(PROCESS_FILE) || n.equals(LOCK_FILE));
            return onlyOurs && Arrays.equals(Files.readAllBytes(specJson),
                    spec.toAbsolute().toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** An existing run folder: one holding {@code spec.json} or {@code events.jsonl}. */
    public static RunFolder open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new RunException(folder, "no such run folder");
        }
        if (!isRunFolder(folder)) {
            throw new RunException(folder, "not a run folder (no " + SPEC_FILE + " and no " + EVENTS_FILE + ")");
        }
        return new RunFolder(folder.toAbsolutePath().normalize());
    }

    /**
     * The runs directly under a workspace's runs folder, newest first (by when {@code spec.json} was written,
     * then by name). Folders that are not runs are skipped; an absent runs folder has no runs.
     */
    public static List<RunFolder> discover(Path runsFolder) {
        if (!Files.isDirectory(runsFolder)) {
            return List.of();
        }
        List<RunFolder> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runsFolder, Files::isDirectory)) {
            for (Path p : ds) {
                if (isRunFolder(p)) {
                    out.add(new RunFolder(p.toAbsolutePath().normalize()));
                } else {
                    LOGGER.debug("{} is not a run folder; skipped", p);
                }
            }
        } catch (IOException e) {
            throw new RunException(runsFolder, "cannot list the runs: " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(RunFolder::createdAt).reversed()
                .thenComparing(f -> f.path.getFileName().toString(), Comparator.reverseOrder()));
        return out;
    }

    /**
     * A fresh folder path under {@code runsFolder} for a run called {@code label}: the UTC time and the label
     * in file-name-safe words ({@code 20250131-140509-sst-2-masks-10}), with {@code -2}, {@code -3} … added
     * when the name is taken. Creates nothing.
     */
    public static Path newFolderPath(Path runsFolder, String label, Instant now) {
        String slug = label == null ? "" : label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-+|-+$)", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        String base = FOLDER_TIME.format(now) + (slug.isEmpty() ? "" : "-" + slug);
        Path p = runsFolder.resolve(base);
        for (int i = 2; Files.exists(p); i++) {
            p = runsFolder.resolve(base + "-" + i);
        }
        return p;
    }

    private static boolean isRunFolder(Path p) {
        return Files.isRegularFile(p.resolve(SPEC_FILE)) || Files.isRegularFile(p.resolve(EVENTS_FILE));
    }

    public Path path() {
        return path;
    }

    public Path specFile() {
        return path.resolve(SPEC_FILE);
    }

    public Path eventsFile() {
        return path.resolve(EVENTS_FILE);
    }

    public Path logFile() {
        return path.resolve(LOG_FILE);
    }

    public Path overlayFile() {
        return path.resolve(OVERLAY_FILE);
    }

    public Path metricsFile() {
        return path.resolve(METRICS_FILE);
    }

    public Path processFile() {
        return path.resolve(PROCESS_FILE);
    }

    /** The run's spec; a {@link RunException} naming {@code spec.json} when it is missing or damaged. */
    public RunSpec spec() {
        return RunSpec.read(specFile());
    }

    /** Every event so far, with the damaged lines and an unfinished last line reported. */
    public EventHistory events() {
        return EventReader.readAll(eventsFile());
    }

    /** A reader that follows this run's events as they are appended. */
    public EventReader followEvents() {
        return new EventReader(eventsFile());
    }

    /** Where the run stands now: from its terminal event, else from whether its recorded process lives. */
    public RunStatus status() {
        return RunStatus.of(events().terminal(), isProcessAlive());
    }

    /**
     * The overlay a finished run produced (its finished event's {@code overlay}, relative to this folder unless
     * absolute), when the run finished and the file is there: what joins the workspace as a tuned model.
     */
    public Optional<Path> resultOverlay() {
        return events().state().overlay().map(path::resolve).filter(Files::isRegularFile);
    }

    /** When the run folder's spec was written: the run's creation time for ordering. */
    public Instant createdAt() {
        try {
            Path p = Files.exists(specFile()) ? specFile() : eventsFile();
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    /**
     * Notes which process trains this run (its pid and start time) in {@code process.json}, so that the
     * status can tell a live run from one whose process died. The launcher calls it for the process it starts;
     * a trainer started by hand calls it with {@link ProcessHandle#current()}.
     */
    public void recordProcess(ProcessHandle process) {
        ObjectNode n = Json.object();
        n.put("pid", process.pid());
        process.info().startInstant().ifPresent(t -> n.put("startedAt", t.toString()));
        writeJson(processFile(), n);
    }

    /** True when the process named in {@code process.json} is alive and is the same process (same start time). */
    public boolean isProcessAlive() {
        JsonNode n;
        try {
            n = Json.COMPACT.readTree(Files.readString(processFile(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            LOGGER.warn("{} cannot be read ({}); taking the run's process as gone", processFile(), e.getMessage());
            return false;
        }
        if (n == null || !n.has("pid") || !n.get("pid").canConvertToLong()) {
            return false;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(n.get("pid").asLong());
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        JsonNode recorded = n.get("startedAt");
        Optional<Instant> actual = h.get().info().startInstant();
        if (recorded == null || actual.isEmpty()) {
            return true;
        }
        try {
            Instant r = Instant.parse(recorded.asText());
            return Duration.between(r, actual.get()).abs().compareTo(START_TIME_TOLERANCE) <= 0;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * Checks that files can still be made in this folder (the overlay and {@code metrics.json} are written beside
     * their final names and renamed into place) by making and removing a small file: a folder made read-only or
     * taken away mid-run is a {@link RunException} at the next step, not a lost result at the end.
     */
    public void checkWritable() {
        Path probe = path.resolve(WRITE_CHECK_FILE);
        try {
            Files.newByteChannel(probe, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE).close();
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new RunException(path, "the run folder can no longer be written ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "), so the trained weights could not be saved; the run stops here");
        }
    }

    /** Writes the final metrics atomically as {@code {"version": 1, "metrics": {name: value}}}. */
    public void writeMetrics(Map<String, Double> metrics) {
        ObjectNode n = Json.object();
        n.put("version", 1);
        ObjectNode m = n.putObject("metrics");
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            Json.putNumber(m, e.getKey(), e.getValue());
        }
        writeJson(metricsFile(), n);
    }

    /** The final metrics, or empty when the run wrote none (yet). */
    public Optional<Map<String, Double>> readMetrics() {
        String text;
        try {
            text = Files.readString(metricsFile(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RunException(metricsFile(), "cannot read the metrics: " + e.getMessage(), e);
        }
        try {
            JsonNode n = Json.COMPACT.readTree(text);
            JsonNode m = n == null ? null : n.get("metrics");
            if (m == null || !m.isObject()) {
                throw new RunException(metricsFile(), "no 'metrics' object");
            }
            Map<String, Double> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), Json.numberValue(e.getValue(), "metric " + e.getKey()));
            }
            return Optional.of(out);
        } catch (JsonProcessingException e) {
            throw new RunException(metricsFile(), "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new RunException(metricsFile(), e.getMessage(), e);
        }
    }

    /** The last {@code lines} lines of {@code log.txt} (fewer when it is shorter), for the run's log view. */
    public List<String> logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new RunException(logFile(), "cannot read the log: " + e.getMessage(), e);
        }
    }

    private static void writeJson(Path file, ObjectNode n) {
        try {
            AtomicFiles.write(file, (Json.PRETTY.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RunException(file, "cannot write: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunFolder f && f.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
