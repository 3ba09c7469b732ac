package dev.finescope.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.OverlaidModel;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.common.Progress;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanException;
import dev.finescope.plan.PlanJson;
import dev.finescope.run.Device;
import dev.finescope.run.EventLog;
import dev.finescope.run.EventRewind;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunException;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunSpec;
import dev.finescope.train.data.DataException;
import dev.finescope.train.data.Dataset;
import dev.finescope.train.data.Split;
import dev.finescope.train.data.Task;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run from its spec to its run folder. {@link #prepare} does everything that can fail on bad input
 * before anything is written or trained: the spec's own checks, the base model and its configuration, the
 * tokenizer, the plan against the model's tensors ("layer 13 does not exist"), the task data (read, labelled,
 * tokenized within the model's vocabulary and positions), the device, and building the model; a problem is one
 * {@link RunException} line. {@link #execute} then trains and writes the folder of {@code product.md}:
 * {@code events.jsonl} (started, steps, evaluations, and exactly one of finished, failed, cancelled),
 * {@code log.txt}, and for a finished run the result overlay and {@code metrics.json}. The overlay is written as
 * soon as the last step is done, before the closing evaluation, and again with the metrics once it has them: a
 * cancel during that evaluation finishes the run without metrics (no closing evaluation event, a finished event
 * with none, no {@code metrics.json}) but keeps its weights. The folder is checked to take new files before the
 * first step and after each, so a folder made read-only fails the run at once.
 *
 * <p>On the way the run saves a {@link TrainingCheckpoint} ({@value TrainingCheckpoint#FILE}, each followed by a
 * checkpoint event) at the cadence its {@link Trainer.Control} gives, and one more when it is interrupted, which
 * then ends it with an interrupted event. {@link #prepareResume} and {@link #runInFolder} go on from there, bit
 * for bit as if there had been no break (on the same device and engine). A finished run removes its checkpoint.
 */
public final class TrainingRun implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(TrainingRun.class);

    /**
     * How a run ended, for the command that ran it. INTERRUPTED: stopped by a signal with a checkpoint to resume
     * from.
     */
    public enum Status { FINISHED, CANCELLED, INTERRUPTED }

    /** The end of a run: its status, steps done, final metrics (empty when cancelled) and the overlay. */
    public record Result(Status status, long steps, Map<String, Double> metrics, Optional<Path> overlay) {
    }

    private final RunSpec spec;
    private final ModelFolder base;
    private final PlanPolicies plan;
    private final Dataset data;
    private final EncodedSplit train;
    private final List<EncodedSplit> dev;
    private final BertEncoder model;
    private final String deviceDescription;
    private final List<String> labelNames;
    private TrainingCheckpoint resumeFrom;

    private TrainingRun(RunSpec spec, ModelFolder base, PlanPolicies plan, Dataset data, EncodedSplit train,
            List<EncodedSplit> dev, BertEncoder model, String deviceDescription, List<String> labelNames) {
        this.spec = spec;
        this.base = base;
        this.plan = plan;
        this.data = data;
        this.train = train;
        this.dev = dev;
        this.model = model;
        this.deviceDescription = deviceDescription;
        this.labelNames = labelNames;
    }

    /**
     * Checks and loads everything a run needs. Nothing is written.
     *
     * @throws RunException with one line naming the first thing that stops the run (every problem of the spec
     *                      itself at once)
     */
    public static TrainingRun prepare(RunSpec spec) {
        return prepare(spec, false);
    }

    /** {@link #prepare}; a run to resume has its folder and events already, which a new run's spec refuses. */
    private static TrainingRun prepare(RunSpec spec, boolean resuming) {
        RunSpec abs = spec.toAbsolute();
        // a resumed run's own folder is checked by RunFolder.open: the spec's other checks stand
        (resuming ? abs.withOutput(abs.output().resolve("resumed-run-check")) : abs).validate();
        ModelFolder base = null;
        try {
            ai.djl.Device device = device(abs.device());
            base = Models.open(abs.base());
            if (base instanceof OverlaidModel) {
                throw new CheckpointException(abs.base(), "is an overlay; train from its base model folder ("
                        + base.base().map(ModelFolder::path).orElseThrow() + ") instead");
            }
            base.requireOutside(abs.output());
            Path configFile = base.configFile().orElseThrow(() -> new CheckpointException(abs.base(),
                    "has no config.json; training needs the model's configuration"));
            if (!base.isFolder()) {
                throw new CheckpointException(abs.base(), "is a weights file; training needs the model folder "
                        + "(config.json and a tokenizer)");
            }
            BertConfig config = BertConfig.read(configFile);
            Plan p = abs.plan().load();
            PlanPolicies policies = PlanPolicies.resolve(p, base.weights(), NameMap.standard());
            Dataset data = TaskData.read(abs.data());
            HyperParameters hp = abs.hyperParameters();
            if (hp.maxLength() > config.maxPositions()) {
                throw new RunException(null, "maxLength " + hp.maxLength() + " is longer than the model's "
                        + config.maxPositions() + " positions");
            }
            boolean regression = data.labels().regression();
            int outputs = regression ? 1 : data.labels().size();
            if (outputs < 1 || (!regression && outputs < 2)) {
                throw new DataException(data.train().file(), "has a single label (" + data.labels().names()
                        + "); a classifier needs at least two");
            }
            BertConfig taskConfig = config.withNumLabels(outputs);
            EncodedSplit train;
            List<EncodedSplit> dev = new ArrayList<>();
            try (TextTokenizer tokenizer = TextTokenizer.forModel(base.path())) {
                train = EncodedSplit.of(data.train(), tokenizer, hp.maxLength(), regression, config.vocabSize());
                for (Split s : data.devSplits()) {
                    dev.add(EncodedSplit.of(s, tokenizer, hp.maxLength(), regression, config.vocabSize()));
                }
            }
            BertEncoder model = BertEncoder.builder().setCheckpoint(base.weights()).setConfig(taskConfig)
                    .optPolicy(policies.policy()).optDevice(device).optSeed(hp.seed()).build();
            List<String> labels = labelNames(data);
            return new TrainingRun(abs, base, policies, data, train, List.copyOf(dev), model,
                    describe(device), labels);
        } catch (RunException e) {
            closeQuietly(base);
            throw e;
        } catch (CheckpointException | PlanException | DataException | IllegalArgumentException e) {
            closeQuietly(base);
            throw new RunException(null, e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeQuietly(base);
            throw e;
        }
    }

    private static List<String> labelNames(Dataset data) {
        if (data.labels().regression()) {
            return List.of("score");
        }
        Optional<Task> task = data.task();
        if (task.isPresent() && task.get().displayNames().size() == data.labels().size()) {
            return task.get().displayNames();
        }
        return data.labels().names();
    }

    private static void closeQuietly(ModelFolder f) {
        if (f != null) {
            f.close();
        }
    }

    /**
     * DJL's device for a run: the first GPU when DJL sees one (unless the CPU is asked for), else the CPU; a GPU
     * asked for where there is none is a {@link RunException}.
     */
    public static ai.djl.Device device(Device wanted) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (wanted) {
            case CPU -> ai.djl.Device.cpu();
            case AUTO -> gpus > 0 ? ai.djl.Device.gpu() : ai.djl.Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new RunException(null, "device gpu was asked for, but DJL sees no GPU (PyTorch "
                            + Engine.getInstance().getVersion() + " is a CPU build here; see the README on giving "
                            + "DJL a CUDA build)");
                }
                yield ai.djl.Device.gpu();
            }
        };
    }

    /** {@code cpu (2 threads), PyTorch 2.7.1} or {@code gpu(0), PyTorch 2.7.1}. */
    public static String describe(ai.djl.Device device) {
        String engine = "PyTorch " + Engine.getInstance().getVersion();
        if (device.isGpu()) {
            return device + ", " + engine;
        }
        return "cpu (" + JniUtils.getNumThreads() + " threads), " + engine;
    }

    public RunSpec spec() {
        return spec;
    }

    public BertEncoder model() {
        return model;
    }

    public Dataset data() {
        return data;
    }

    public PlanPolicies plan() {
        return plan;
    }

    public EncodedSplit trainSplit() {
        return train;
    }

    public List<EncodedSplit> devSplits() {
        return dev;
    }

    public String deviceDescription() {
        return deviceDescription;
    }

    /** Label names in the order of the head's outputs. */
    public List<String> labelNames() {
        return labelNames;
    }

    /** Parameters the optimizer updates (mask scores included). */
    public long trainableParameters() {
        return plan.updated(model).stream().mapToLong(p -> p.array().size()).sum();
    }

    /** Parameters of the model itself (mask scores excluded). */
    public long totalParameters() {
        return model.parameters().stream().filter(p -> p.group() != ParameterGroup.SCORES)
                .mapToLong(p -> p.array().size()).sum();
    }

    /**
     * Opens the run folder prepared for the spec, or prepares it ({@link RunFolder#openOrPrepare}), then trains in
     * it with the events mirrored to {@code eventMirror} and the log lines to {@code logMirror} (either may be
     * null), with checkpoints at the default cadence, cancelled when {@code progress} says so.
     */
    public Result runInFolder(OutputStream eventMirror, Consumer<String> logMirror, Progress progress) {
        return runInFolder(eventMirror, logMirror, new Trainer.Control(progress::isCancelled, () -> false,
                CheckpointCadence.DEFAULT, System::nanoTime));
    }

    /**
     * Trains in the spec's run folder as {@code control} steers: a new run in the folder the launcher prepared
     * (or one {@link RunFolder#openOrPrepare} makes ready), or for a run {@linkplain #prepareResume prepared to
     * resume}, on in its own folder from its
     * checkpoint, with its events cut back to that checkpoint ({@link EventRewind}) and a resumed event after them.
     */
    public Result runInFolder(OutputStream eventMirror, Consumer<String> logMirror, Trainer.Control control) {
        RunFolder folder;
        EventRewind.Result rewound = null;
        if (resumeFrom == null) {
            folder = RunFolder.openOrPrepare(spec);
        } else {
            folder = RunFolder.open(spec.output());
            folder.checkWritable();
            rewound = EventRewind.toStep(folder.eventsFile(), resumeFrom.step());
        }
        folder.recordProcess(ProcessHandle.current());
        try (EventLog events = EventLog.open(folder.eventsFile(), eventMirror);
             RunLog log = RunLog.open(folder.logFile(), logMirror)) {
            if (rewound != null) {
                events.append(new RunEvent.Resumed(Instant.now(), resumeFrom.step(), TrainingCheckpoint.FILE,
                        rewound.discarded()));
                log.info("resuming from the checkpoint of step " + resumeFrom.step() + " ("
                        + resumeFrom.file() + "); " + rewound.discarded() + " later events removed from "
                        + RunFolder.EVENTS_FILE);
            }
            return execute(folder, events, log, control);
        }
    }

    /**
     * Prepares to go on with the run in {@code runFolder} from its checkpoint ({@value TrainingCheckpoint#FILE}):
     * its spec (with the folder where it now lies), everything {@link #prepare} checks, and the checkpoint, which
     * must be one of this very run (same spec and data). A run that finished, or whose process still lives, is
     * not resumed. {@link #runInFolder(OutputStream, Consumer, Trainer.Control)} then goes on.
     *
     * @throws RunException with one line saying why the run cannot be resumed
     */
    public static TrainingRun prepareResume(Path runFolder) {
        RunFolder folder = RunFolder.open(runFolder);
        Path file = folder.path().resolve(TrainingCheckpoint.FILE);
        if (folder.events().terminal().filter(e -> e instanceof RunEvent.Finished).isPresent()) {
            throw new RunException(folder.path(), "the run has finished; there is nothing to resume");
        }
        if (folder.isProcessAlive() && !recordedProcessIsThisOne(folder)) {
            throw new RunException(folder.path(), "the run's process is still running");
        }
        if (!Files.isRegularFile(file)) {
            throw new RunException(folder.path(), "has no checkpoint (" + TrainingCheckpoint.FILE + ") to resume "
                    + "from");
        }
        RunSpec spec = folder.spec().withOutput(folder.path());
        TrainingRun run = prepare(spec, true);
        try {
            TrainingCheckpoint c = TrainingCheckpoint.read(file);
            run.resumeFrom = c;
            c.requireSame(CHECKPOINT_RUN, run.identity().get(CHECKPOINT_RUN), "settings (spec)");
            c.requireSame(CHECKPOINT_DATA, run.identity().get(CHECKPOINT_DATA), "data");
            return run;
        } catch (CheckpointException e) {
            run.close();
            throw new RunException(null, e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            run.close();
            throw e;
        }
    }

    private static boolean recordedProcessIsThisOne(RunFolder folder) {
        try {
            return Jsons.MAPPER.readTree(folder.processFile().toFile()).path("pid").asLong(-1)
                    == ProcessHandle.current().pid();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The checkpoint this run resumes from, if it was prepared to resume. */
    public Optional<TrainingCheckpoint> resumeFrom() {
        return Optional.ofNullable(resumeFrom);
    }

    private static final String CHECKPOINT_RUN = "run";
    private static final String CHECKPOINT_DATA = "data_sha256";

    /** What a checkpoint must carry to fit this run: the spec but its name and folder, and the data's hashes. */
    private Map<String, String> identity() {
        com.fasterxml.jackson.databind.node.ObjectNode n;
        try {
            n = (com.fasterxml.jackson.databind.node.ObjectNode) Jsons.MAPPER.readTree(spec.toJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a spec's own JSON always reads back", e);
        }
        n.remove("name");
        n.remove("output");
        Map<String, String> id = new LinkedHashMap<>();
        id.put(CHECKPOINT_RUN, Jsons.write(n));
        id.put(CHECKPOINT_DATA, Jsons.object(data.fileHashes()));
        return id;
    }

    /**
     * Trains and writes the result into {@code folder}. Exactly one terminal event is appended: finished (after
     * the overlay and, when the closing evaluation ran, {@code metrics.json} are in place), cancelled (before the
     * last step; no overlay), or failed with the reason (then the error is thrown on).
     */
    public Result execute(RunFolder folder, EventLog events, RunLog log, Progress progress) {
        return execute(folder, events, log, new Trainer.Control(progress::isCancelled, () -> false,
                CheckpointCadence.DEFAULT, System::nanoTime));
    }

    /**
     * As {@link #execute(RunFolder, EventLog, RunLog, BooleanSupplier)}, steered by {@code control}: checkpoints
     * at its cadence (each followed by a checkpoint event), and on an interrupt a last checkpoint and an
     * interrupted event as the terminal one. A run prepared to resume goes on from its checkpoint and writes no
     * started event (its folder has one).
     */
    public Result execute(RunFolder folder, EventLog events, RunLog log, Trainer.Control control) {
        GradientRecording.offOnThisThread();
        try {
            HyperParameters hp = spec.hyperParameters();
            log.info("FineScope " + finescopeVersion() + ", DJL " + Engine.getDjlVersion() + " on "
                    + deviceDescription);
            log.info("base " + base.path() + ": " + model.config().numLayers() + " layers, hidden "
                    + model.config().hiddenSize() + ", " + model.config().numLabels() + " outputs");
            log.info("plan '" + plan.plan().name() + "': " + trainableParameters() + " of " + totalParameters()
                    + " parameters trained, " + model.maskedUnits().size() + " matrices masked");
            if (!model.maskedUnits().isEmpty()) {
                ScoreRate.warning(plan.plan().mask().scoreInit(), hp.scoreLearningRate()).ifPresent(log::info);
            }
            for (Split s : data.splits()) {
                log.info("data " + s.summary());
            }
            Path overlay = folder.overlayFile();
            ResultOverlay[] result = new ResultOverlay[1];
            long[] totalSteps = new long[1];
            Trainer trainer = new Trainer(model, plan, hp, train, dev, data.metrics(), new Trainer.Listener() {
                @Override
                public void onEvent(RunEvent event) {
                    events.append(event);
                    if (event instanceof RunEvent.Step) {
                        // a folder that cannot take the overlay any more stops the run now, not after the last step
                        folder.checkWritable();
                    }
                }

                @Override
                public void log(String line) {
                    log.info(line);
                }

                @Override
                public void trained(long steps) {
                    // the weights are saved before the closing evaluation, which may yet be cancelled
                    result[0] = resultOverlay(steps);
                    result[0].write(base, overlay);
                    log.info("weights after " + steps + " steps saved to " + overlay + " (" + sizeOf(overlay)
                            + " bytes); the closing evaluation follows");
                }

                @Override
                public void checkpoint(Trainer.Position position, AdamW optimizer) {
                    Path file = folder.path().resolve(TrainingCheckpoint.FILE);
                    long t0 = System.nanoTime();
                    TrainingCheckpoint.write(file, position, optimizer, totalSteps[0], hp.seed(), identity());
                    events.append(new RunEvent.CheckpointSaved(Instant.now(), position.step(),
                            TrainingCheckpoint.FILE));
                    log.info(String.format(Locale.ROOT, "checkpoint after step %d saved to %s (%d bytes, %.2f s)",
                            position.step(), file, sizeOf(file), (System.nanoTime() - t0) / 1e9));
                }
            });
            totalSteps[0] = trainer.totalSteps();
            log.info(String.format(Locale.ROOT, "%d steps: %d epochs of %d examples in batches of %d (max %d "
                    + "tokens), seed %d", trainer.totalSteps(), hp.epochs(), train.size(), hp.batchSize(),
                    hp.maxLength(), hp.seed()));
            folder.checkWritable();
            if (resumeFrom == null) {
                events.append(new RunEvent.Started(Instant.now(), deviceDescription, train.size(),
                        dev.stream().mapToInt(EncodedSplit::size).sum(), trainableParameters(), totalParameters(),
                        trainer.totalSteps()));
            }
            Trainer.Outcome outcome = trainer.run(control, resumeFrom);
            if (outcome.interrupted()) {
                events.append(new RunEvent.Interrupted(Instant.now(), outcome.steps(), TrainingCheckpoint.FILE));
                log.info("interrupted after " + outcome.steps() + " steps; checkpoint "
                        + folder.path().resolve(TrainingCheckpoint.FILE) + "; go on with finescope train --resume "
                        + folder.path());
                return new Result(Status.INTERRUPTED, outcome.steps(), Map.of(), Optional.empty());
            }
            if (outcome.cancelled() && !outcome.trained()) {
                events.append(new RunEvent.Cancelled(Instant.now(), outcome.steps()));
                log.info("cancelled after " + outcome.steps() + " steps; no overlay written");
                return new Result(Status.CANCELLED, outcome.steps(), Map.of(), Optional.empty());
            }
            if (outcome.cancelled()) {
                // every step was done and the weights are saved: the run's result stands, without its metrics
                dropCheckpoint(folder, log);
                events.append(new RunEvent.Finished(Instant.now(), outcome.steps(), Map.of(), RunFolder.OVERLAY_FILE));
                log.info("finished after " + outcome.steps() + " steps; the closing evaluation was cancelled, so the "
                        + "run has no metrics; overlay " + overlay + " (" + sizeOf(overlay) + " bytes)");
                return new Result(Status.FINISHED, outcome.steps(), Map.of(), Optional.of(overlay));
            }
            // the same weights again, now with the metrics they scored
            result[0].metrics(Jsons.metrics(outcome.metrics())).write(base, overlay);
            folder.writeMetrics(outcome.metrics());
            dropCheckpoint(folder, log);
            events.append(new RunEvent.Finished(Instant.now(), outcome.steps(), outcome.metrics(),
                    RunFolder.OVERLAY_FILE));
            log.info("finished after " + outcome.steps() + " steps: " + Trainer.describe(outcome.metrics())
                    + "; overlay " + overlay + " (" + sizeOf(overlay) + " bytes)");
            return new Result(Status.FINISHED, outcome.steps(), outcome.metrics(), Optional.of(overlay));
        } catch (RuntimeException | Error e) {
            String reason = reason(e);
            try {
                events.append(new RunEvent.Failed(Instant.now(), reason));
                log.info("failed: " + reason);
            } catch (RuntimeException | Error again) {
                LOGGER.error("The run failed ({}) and the failure could not be recorded: {}", reason,
                        again.toString());
            }
            throw e;
        }
    }

    /** A finished run's result stands: its checkpoint, which only a resumed run would read, goes. */
    private static void dropCheckpoint(RunFolder folder, RunLog log) {
        Path file = folder.path().resolve(TrainingCheckpoint.FILE);
        try {
            if (Files.deleteIfExists(file)) {
                log.info("checkpoint " + file + " removed: the run has finished");
            }
        } catch (java.io.IOException e) {
            log.info("the checkpoint " + file + " could not be removed (" + e.getMessage() + "); it is no longer "
                    + "needed");
        }
    }

    /** The result of the trained model, without metrics yet. */
    private ResultOverlay resultOverlay(long steps) {
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put(Overlay.PROVENANCE_DATA_HASH, Jsons.object(data.fileHashes()));
        provenance.put(Overlay.PROVENANCE_SEED, Long.toString(spec.hyperParameters().seed()));
        provenance.put(Overlay.PROVENANCE_FINESCOPE_VERSION, finescopeVersion());
        provenance.put(Overlay.PROVENANCE_DJL_VERSION, Engine.getDjlVersion());
        provenance.put("pytorch_version", Engine.getInstance().getVersion());
        provenance.put("device", deviceDescription);
        provenance.put("data", data.name());
        provenance.put("steps", Long.toString(steps));
        return ResultOverlay.of(model, plan)
                .plan(PlanJson.toJson(plan.plan()))
                .labels(labelNames)
                .provenance(provenance);
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** One line for the failed event: the message, or the exception's type when it has none. */
    static String reason(Throwable e) {
        String m = e.getMessage();
        String text = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        if (e instanceof OutOfMemoryError) {
            text = "out of memory (" + text + "); try a smaller batch size or maximum length";
        }
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The version in the jar's manifest, or {@code development build}. */
    public static String finescopeVersion() {
        String v = TrainingRun.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    @Override
    public void close() {
        if (resumeFrom != null) {
            resumeFrom.close();
        }
        model.close();
        base.close();
    }
}
