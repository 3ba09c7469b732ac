package dev.finescope.cli;

import dev.finescope.analysis.Metric;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.imports.BuiltinBase;
import dev.finescope.checkpoint.overlay.BuiltinModels;
import dev.finescope.common.AppArguments;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * The {@code finescope} command: its subcommands make every result of the app scriptable; with no subcommand
 * it opens the app. Failures read as one line, {@code finescope: <file>: <problem>}, with exit code 2 for bad
 * input and usage, 1 for an internal error; {@code --debug} adds the stack trace.
 */
@Command(name = "finescope", mixinStandardHelpOptions = true, versionProvider = FineScopeCommand.Version.class,
        subcommands = {AnalyzeCommand.class, ImportCommand.class, ExportCommand.class, TrainCommand.class, EvalCommand.class, WhatIfCommand.class, SweepCommand.class, BenchCommand.class},
        description = "See how fine-tuning changed a BERT-family model. Without a command, opens the app.")
public final class FineScopeCommand implements Runnable {

    /** Exit code of bad input and of usage errors. */
    public static final int BAD_INPUT = 2;
    /** Exit code of an internal error. */
    public static final int INTERNAL_ERROR = 1;

    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private final Runnable openApp;

    private FineScopeCommand(Runnable openApp) {
        this.openApp = openApp;
    }

    @OutputPaths.Reads
    @picocli.CommandLine.Option(names = "--workspace", paramLabel = "PATH",
            description = "Without a command: the workspace (or model folder) the app opens.")
    private Path workspace;

    @Override
    public void run() {
        open(workspace, openApp);
    }

    private static void open(Path workspace, Runnable openApp) {
        missingDisplay(System.getenv(), System.getProperty("os.name", ""), System.getProperty("glass.platform"))
                .ifPresent(problem -> {
                    throw new BadInputException(problem);
                });
        if (workspace != null) {
            System.setProperty("finescope.workspace", workspace.toAbsolutePath().toString());
        }
        openApp.run();
    }

    /**
     * Why the window cannot open here, when that is known before JavaFX tries (which would fail with "Unable to
     * open DISPLAY" deep in its start-up): a Linux session with neither an X11 nor a Wayland display, unless the
     * headless Monocle platform was chosen.
     */
    static Optional<String> missingDisplay(Map<String, String> env, String osName, String glassPlatform) {
        boolean linux = osName.toLowerCase(Locale.ROOT).contains("linux");
        boolean display = !env.getOrDefault("DISPLAY", "").isBlank()
                || !env.getOrDefault("WAYLAND_DISPLAY", "").isBlank();
        if (!linux || display || "monocle".equalsIgnoreCase(glassPlatform)) {
            return Optional.empty();
        }
        return Optional.of("no display to open the window on (DISPLAY is not set): run the app in a desktop "
                + "session, or under xvfb-run -a (Debian: apt-get install xvfb xauth libgtk-3-0); the commands "
                + "(finescope --help) need no display");
    }

    /**
     * Runs a command line with the process's standard streams and returns the exit code. Log messages below
     * WARN stay quiet unless {@code --debug} is given, so that standard error carries the one-line problem.
     */
    public static int execute(String[] args, Runnable openApp) {
        quietLogUnlessDebug(args);
        return execute(args, openApp, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    /**
     * Sets the log level, unless the system property already does: WARN, or DEBUG with {@code --debug}. Called before
     * anything logs, as the logger reads it once.
     */
    public static void quietLogUnlessDebug(String[] args) {
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, Arrays.asList(args).contains("--debug") ? "debug" : "warn");
        }
    }

    /** Runs a command line, writing results to {@code out} and problems to {@code err}; returns the exit code. */
    public static int execute(String[] args, Runnable openApp, PrintWriter out, PrintWriter err) {
        BuiltinBase.register();
        Optional<Path> app = AppArguments.appOnly(args);
        if (app != null) {
            // the app opens without building the command tree (every command's options, by reflection), which
            // would add most of a second to its start
            try {
                open(app.orElse(null), openApp);
                return 0;
            } catch (BadInputException e) {
                err.println("finescope: " + oneLine(e.getMessage()));
                return BAD_INPUT;
            } catch (RuntimeException e) {
                err.println("finescope: internal error: " + oneLine(e.toString())
                        + " (run with --debug for the stack trace)");
                return INTERNAL_ERROR;
            } finally {
                out.flush();
                err.flush();
            }
        }
        CommandLine cl = commandLine(openApp);
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The command tree with its converters and failure handlers. */
    static CommandLine commandLine(Runnable openApp) {
        CommandLine cl = new CommandLine(new FineScopeCommand(openApp));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(Metric.class, new MetricConverter());
        cl.registerConverter(Path.class, new PathConverter());
        cl.setParameterExceptionHandler(FineScopeCommand::usageError);
        cl.setExecutionExceptionHandler(FineScopeCommand::failure);
        // every help page wraps between words only
        cl.setHelpFactory(WholeWordHelp::new);
        return cl;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException u && cl.getParent() == null && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().get(0) + "'";
        }
        cl.getErr().println("finescope: " + oneLine(message) + " (see '"
                + cl.getCommandSpec().qualifiedName() + " --help')");
        return BAD_INPUT;
    }

    private static int failure(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean badInput = e instanceof CheckpointException || e instanceof BadInputException
                || e instanceof IOException || e instanceof UncheckedIOException;
        boolean debug = debugRequested(parsed);
        if (badInput) {
            err.println("finescope: " + oneLine(e.getMessage()));
        } else {
            err.println("finescope: internal error: " + oneLine(e.toString())
                    + (debug ? "" : " (run with --debug for the stack trace)"));
        }
        if (debug) {
            e.printStackTrace(err);
        }
        return badInput ? BAD_INPUT : INTERNAL_ERROR;
    }

    private static boolean debugRequested(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    static String oneLine(String message) {
        return message == null ? "(no message)" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Metric names as the CSV spells them; an unknown name lists the known ones. */
    static final class MetricConverter implements ITypeConverter<Metric> {
        @Override
        public Metric convert(String value) {
            try {
                return Metric.fromId(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown metric '" + value + "'; choose one of "
                        + Arrays.stream(Metric.values()).map(Metric::id).collect(Collectors.joining(", ")));
            }
        }
    }

    /**
     * Paths as given, except {@code builtin:NAME}, which names a model shipped with FineScope (imported into the
     * user's cache on first use), e.g. {@code --base builtin:all-MiniLM-L6-v2}.
     */
    static final class PathConverter implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (!value.startsWith(BuiltinModels.PREFIX)) {
                return Path.of(value);
            }
            String name = value.substring(BuiltinModels.PREFIX.length());
            return BuiltinModels.resolve(name).orElseThrow(() -> new TypeConversionException(
                    "unknown built-in model '" + name + "'; known: " + String.join(", ", BuiltinModels.names())));
        }
    }

    /** The version of the jar, from its manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FineScopeCommand.class.getPackage().getImplementationVersion();
            return new String[] {"FineScope " + (v == null ? "(development build)" : v)};
        }
    }
}
