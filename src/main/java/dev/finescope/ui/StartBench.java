package dev.finescope.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long the app takes to start, against the smallest JavaFX window on the same JVM, flags and class path: a
 * benchmark, not a test. Each round starts, in turn, {@link HelloStage} (a label, closed after its first frame),
 * the app with {@code -Dfinescope.smokeTest=true} (closed once the first heatmap of the sample workspace is on
 * screen) and, when an archive is given or found next to the jar, the app with that AppCDS archive. Every start is
 * a fresh process timed from spawn to exit, its CPU time taken from the shell's {@code time}; the table gives the
 * medians and each one's ratio to the hello window. With {@code --image} the packaged app image (jlink-config)
 * starts too.
 *
 * <pre>xvfb-run -a java -cp target/finescope.jar dev.finescope.ui.StartBench [--runs 5] [--jar target/finescope.jar]
 *     [--cds target/finescope.jsa] [--java PATH] [--flag -Xmx2g]… [--image target/package/FineScope]</pre>
 */
public final class StartBench {

    private StartBench() {
    }

    /** One start: wall and CPU seconds. */
    record Sample(double wall, double cpu) {
    }

    private static org.slf4j.Logger log;

    public static void main(String[] args) throws Exception {
        // the table goes to standard output through the log, as StallBench's does
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.out");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "false");
        System.setProperty("org.slf4j.simpleLogger.log." + StartBench.class.getName(), "info");
        log = org.slf4j.LoggerFactory.getLogger(StartBench.class);
        List<String> a = Arrays.asList(args);
        int runs = Integer.parseInt(option(a, "--runs", "5"));
        Path jar = Path.of(option(a, "--jar", "target/finescope.jar")).toAbsolutePath();
        Path cds = Path.of(option(a, "--cds", jar.toString().replaceFirst("\\.jar$", ".jsa"))).toAbsolutePath();
        String java = option(a, "--java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < a.size() - 1; i++) {
            if (a.get(i).equals("--flag")) {
                flags.add(a.get(i + 1));
            }
        }
        if (!Files.isRegularFile(jar)) {
            say(jar + ": no such jar; build it with mvn -B -DskipTests package");
            System.exit(2);
        }
        Map<String, List<String>> commands = new LinkedHashMap<>();
        // the hello window from this build, so that an older jar (--jar) is timed against the same yardstick
        Path own = Path.of(StartBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path helloJar = Files.isRegularFile(own) ? own : jar;
        commands.put("hello window", command(java, flags, List.of("-cp", helloJar.toString(),
                HelloStage.class.getName())));
        commands.put("app", command(java, flags, List.of("-Dfinescope.smokeTest=true", "-jar", jar.toString())));
        if (Files.isRegularFile(cds)) {
            commands.put("app, AppCDS", command(java, flags, List.of("-XX:SharedArchiveFile=" + cds,
                    "-Dfinescope.smokeTest=true", "-jar", jar.toString())));
        } else {
            say("(no AppCDS archive at " + cds + ": src/main/scripts/cds-archive.sh makes one)");
        }
        String image = option(a, "--image", null);
        if (image != null) {
            // the launcher takes JVM options from the environment only
            commands.put("packaged app", List.of("env", "JAVA_TOOL_OPTIONS=-Dfinescope.smokeTest=true",
                    Path.of(image, "bin", "FineScope").toAbsolutePath().toString()));
        }
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        commands.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
        // one warm-up round, not counted: the page cache and DJL's unpacked engine
        for (List<String> c : commands.values()) {
            time(c);
        }
        for (int r = 1; r <= runs; r++) {
            for (Map.Entry<String, List<String>> e : commands.entrySet()) {
                Sample s = time(e.getValue());
                samples.get(e.getKey()).add(s);
                say(String.format(Locale.ROOT, "run %d %-14s %6.2f s wall %6.2f s CPU", r, e.getKey(), s.wall(),
                        s.cpu()));
            }
        }
        double helloWall = median(samples.get("hello window"), true);
        double helloCpu = median(samples.get("hello window"), false);
        say(String.format(Locale.ROOT, "medians of %d runs (%s, %d cores)", runs, java,
                Runtime.getRuntime().availableProcessors()));
        say(String.format(Locale.ROOT, "%-14s %8s %8s %8s %8s", "", "wall s", "× hello", "CPU s", "× hello"));
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            double wall = median(e.getValue(), true);
            double cpu = median(e.getValue(), false);
            say(String.format(Locale.ROOT, "%-14s %8.2f %8.2f %8.2f %8.2f", e.getKey(), wall, wall / helloWall, cpu,
                    cpu / helloCpu));
        }
    }

    private static void say(String line) {
        log.info(line);
    }

    private static List<String> command(String java, List<String> flags, List<String> rest) {
        List<String> c = new ArrayList<>();
        c.add(java);
        c.addAll(flags);
        c.addAll(rest);
        return c;
    }

    /** Runs a command under bash's {@code time}, which reports the CPU of the process and its children. */
    static Sample time(List<String> command) throws IOException, InterruptedException {
        StringBuilder quoted = new StringBuilder();
        for (String part : command) {
            quoted.append(" '").append(part.replace("'", "'\\''")).append('\'');
        }
        String script = "TIMEFORMAT='%R %U %S'; { time" + quoted + " >/dev/null 2>&1 ; } 2>&1";
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int code = p.waitFor();
        String[] lines = out.split("\n");
        String[] f = lines[lines.length - 1].trim().split(" ");
        if (code != 0 || f.length != 3) {
            throw new IOException(String.join(" ", command) + " failed (exit " + code + "): " + out);
        }
        return new Sample(Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]));
    }

    static double median(List<Sample> samples, boolean wall) {
        double[] v = samples.stream().mapToDouble(s -> wall ? s.wall() : s.cpu()).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String option(List<String> args, String name, String fallback) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
    }
}
