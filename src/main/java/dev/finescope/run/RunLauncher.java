package dev.finescope.run;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts training runs as separate processes and follows them. A run in its own process cannot freeze or crash
 * the app, keeps going when the app closes (unless asked to stop), and is exactly what a user can type on a GPU
 * server: {@code finescope train --spec <run>/spec.json --events stdout}, started with the running JVM's own
 * java executable and class path so that the app and its runs are always the same version. The command is
 * injectable so that tests can launch a small stand-in trainer.
 */
public final class RunLauncher {

    private static final Logger LOGGER = LoggerFactory.getLogger(RunLauncher.class);

    /** The main class of {@code finescope.jar}, whose {@code train} command trains. */
    public static final String MAIN_CLASS = "dev.finescope.Main";
    /** How long a cancelled run may take to finish its step and say so before it is killed. */
    public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(30);

    /**
     * The command line of a run's process, given the arguments of {@code finescope train}: {@code --spec FILE
     * --events stdout} for a new run, {@code --resume FOLDER --events stdout} for one that goes on from its
     * checkpoint.
     */
    @FunctionalInterface
    public interface CommandLine {
        List<String> command(List<String> trainArguments);
    }


    private final CommandLine commandLine;
    private final Duration cancelGrace;

    public RunLauncher(CommandLine commandLine, Duration cancelGrace) {
        this.commandLine = Objects.requireNonNull(commandLine, "commandLine");
        this.cancelGrace = Objects.requireNonNull(cancelGrace, "cancelGrace");
    }

    /**
     * Launches {@code finescope train} with this JVM's java and class path.
     *
     * @param jvmOptions options for the run's JVM, such as {@code -Xmx8g}; may be empty
     */
    public static RunLauncher forThisJvm(List<String> jvmOptions) {
        List<String> options = List.copyOf(jvmOptions);
        return new RunLauncher(args -> forThisJvmCommand(options, args), DEFAULT_CANCEL_GRACE);
    }

    /**
     * As {@link #forThisJvm}, at a lower CPU priority ({@code nice -n 10}) where the system has {@code nice}: a run
     * started from the window trains on every core while the window is idle, and gives way when the window needs a
     * core to draw its next frame.
     */
    public static RunLauncher forThisJvmYielding(List<String> jvmOptions) {
        List<String> options = List.copyOf(jvmOptions);
        Optional<Path> nice = nice();
        return new RunLauncher(args -> yielding(forThisJvmCommand(options, args), nice), DEFAULT_CANCEL_GRACE);
    }

    /** How much lower than the app a yielding run is scheduled (nice values: 0 normal, 19 lowest). */
    static final int NICENESS = 10;

    /** {@code command} under {@code nice -n 10} when there is a {@code nice}, else {@code command} as it is. */
    static List<String> yielding(List<String> command, Optional<Path> nice) {
        if (nice.isEmpty()) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of(nice.get().toString(), "-n", Integer.toString(NICENESS)));
        out.addAll(command);
        return out;
    }

    /** The system's {@code nice} (it replaces itself with the command, so the process id is the run's own). */
    static Optional<Path> nice() {
        for (String p : List.of("/usr/bin/nice", "/bin/nice")) {
            Path path = Path.of(p);
            if (Files.isExecutable(path)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    /** The command {@link #forThisJvm} runs: {@code finescope train} with {@code trainArguments}. */
    static List<String> forThisJvmCommand(List<String> jvmOptions, List<String> trainArguments) {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(trainArguments);
        return javaCommand(jvmOptions, MAIN_CLASS, args);
    }

    /**
     * {@code java <jvmOptions> -cp <this JVM's class path, made absolute> <mainClass> <args>}, with the java
     * executable this JVM was started with.
     */
    public static List<String> javaCommand(List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(absoluteClassPath(System.getProperty("java.class.path", "")));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** The running JVM's java executable, or {@code java.home}'s when the OS does not tell. */
    static String javaExecutable() {
        return javaExecutable(ProcessHandle.current().info().command(), System.getProperty("java.home"));
    }

    /**
     * {@code command} when it is a java executable, otherwise {@code javaHome}'s java: the packaged app runs its JVM
     * inside a native launcher ({@code bin/FineScope}), which would take the JVM options as the app's arguments.
     */
    static String javaExecutable(Optional<String> command, String javaHome) {
        return command.filter(c -> Path.of(c).getFileName().toString().matches("java(\\.exe)?"))
                .orElseGet(() -> Path.of(javaHome, "bin", "java").toString());
    }

    /** Makes every entry absolute, since the run's process works in its run folder. */
    static String absoluteClassPath(String classPath) {
        List<String> out = new ArrayList<>();
        for (String e : classPath.split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                out.add(new File(e).isAbsolute() ? e : new File(e).getAbsolutePath());
            }
        }
        return String.join(File.pathSeparator, out);
    }

    /**
     * Starts the run of a prepared folder ({@link RunFolder#prepare}) in the background, working in that
     * folder, and returns at once. The process is recorded in the folder ({@code process.json}) so its status
     * can be told later, by this app or the next.
     */
    public RunHandle launch(RunFolder run, RunListener listener) {
        if (!Files.isRegularFile(run.specFile())) {
            throw new RunException(run.path(), "the run folder has no " + RunFolder.SPEC_FILE
                    + " (prepare it with its spec first)");
        }
        return start(run, commandLine.command(List.of("--spec", run.specFile().toString(), "--events", "stdout")),
                listener);
    }

    /**
     * Starts {@code finescope train --resume} on a run that stopped before its end (interrupted, killed, crashed):
     * it goes on from the checkpoint in its folder, its events cut back to that checkpoint. A {@link RunException}
     * naming the folder when it holds no checkpoint.
     */
    public RunHandle resume(RunFolder run, RunListener listener) {
        if (!Files.isRegularFile(run.path().resolve(RunFolder.CHECKPOINT_FILE))) {
            throw new RunException(run.path(), "has no checkpoint to go on from (" + RunFolder.CHECKPOINT_FILE + "): the run "
                    + "stopped before its first one");
        }
        return start(run, commandLine.command(List.of("--resume", run.path().toString(), "--events", "stdout")),
                listener);
    }

    private RunHandle start(RunFolder run, List<String> cmd, RunListener listener) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(run.path().toFile());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new RunException(run.path(), "cannot start the training process (" + cmd.get(0) + "): "
                    + e.getMessage(), e);
        }
        LOGGER.info("Started run {} as pid {}", run.path(), process.pid());
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOGGER.debug("Closing the run's standard input failed: {}", e.getMessage());
        }
        try {
            run.recordProcess(process.toHandle());
        } catch (RunException e) {
            LOGGER.warn("Cannot record the run's process: {}", e.getMessage());
        }
        RunHandle handle = new RunHandle(run, process, listener, cancelGrace);
        handle.start();
        return handle;
    }
}
