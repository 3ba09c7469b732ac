package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.plan.PlanJson;
import dev.finescope.plan.Presets;
import dev.finescope.train.TinyRuns;
import dev.finescope.whatif.TinyWhatIf;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The rule of {@link OutputPaths}, driven from the command tree itself: every command × every option that writes
 * × every input the command reads, named as itself, through a symbolic link, as its folder, and (for a folder) as a
 * file inside it. Each must be refused with exit code 2 and one line naming the output, and every input file keeps
 * its bytes. A new option that names a path must say whether it reads or writes, or the first test fails; a new
 * command that writes must get a recipe here, or the second one does.
 */
class OutputOntoInputTest {

    @TempDir
    static Path dir;
    static Path fixtures;
    static Map<String, List<String>> recipes;

    @BeforeAll
    static void fixtures() throws IOException {
        TinyRuns.cacheIn(dir.resolve("cache"));
        fixtures = dir.resolve("fixtures");
        Path base = NoInputOverwrittenTest.copyTree(TinyRuns.BASE, fixtures.resolve("base"));
        Path tuned = TinyWhatIf.tunedFolder(fixtures);
        Path task = NoInputOverwrittenTest.copyTree(TinyRuns.TASK, fixtures.resolve("task"));
        Path masksA = Files.copy(Path.of("sample-models/masks-10/overlay.safetensors"),
                fixtures.resolve("masks-a.safetensors"));
        Path masksB = Files.copy(Path.of("sample-models/masks-20/overlay.safetensors"),
                fixtures.resolve("masks-b.safetensors"));
        Path onnx = Files.copy(Path.of("src/test/resources/fixtures/import/tiny-bert.onnx"),
                fixtures.resolve("tiny-bert.onnx"));
        Path plan = fixtures.resolve("plan.json");
        PlanJson.write(Presets.fullFineTuning(), plan);
        Path spec = fixtures.resolve("run.json");
        TinyRuns.spec(Presets.fullFineTuning(), TinyRuns.FEW_STEPS, dir.resolve("spec-out")).write(spec);

        String[] session = {"--model", tuned.toString(), "--base", base.toString(), "--data", task.toString(),
            "--task", "SST-2", "--max-len", "32"};
        recipes = new LinkedHashMap<>();
        recipes.put("analyze", List.of("--base", base.toString(), "--tuned", tuned.toString()));
        recipes.put("import", List.of(onnx.toString()));
        recipes.put("export", List.of("--base", base.toString(), "--overlay", masksA.toString()));
        recipes.put("train", List.of("--spec", spec.toString(), "--base", base.toString(), "--data", task.toString(),
                "--task", "SST-2", "--plan", plan.toString(), "--max-steps", "1", "--device", "cpu"));
        recipes.put("eval", List.of("--model", masksA.toString(), "--base", base.toString(), "--data",
                task.toString(), "--task", "SST-2", "--max-len", "32", "--device", "cpu"));
        recipes.put("whatif prune", with(session, "--sparsity", "0.5"));
        recipes.put("whatif revert", with(session, "--select", "layer:0"));
        recipes.put("whatif sweep", with(session, "--columns", "Q", "--sparsity", "0.5"));
        recipes.put("whatif revert-layers", with(session));
        Path measured = java.nio.file.Files.writeString(fixtures.resolve("sweep.csv"), "# FineScope what-if sweep\n");
        recipes.put("whatif estimate", with(session, "--columns", "Q", "--sparsity", "0.5", "--compare",
                measured.toString()));
        recipes.put("whatif cka", List.of("--model", tuned.toString(), "--against", base.toString(), "--data",
                task.toString(), "--task", "SST-2", "--max-len", "32"));
        recipes.put("whatif masks", List.of(masksA.toString(), masksB.toString()));
        recipes.put("bench import", List.of("--source", onnx.toString(), "--repeats", "1"));
        recipes.put("bench analyze", List.of("--repeats", "1"));
    }

    @AfterAll
    static void clear() {
        TinyRuns.clearCache();
    }

    private static List<String> with(String[] first, String... more) {
        List<String> out = new ArrayList<>(List.of(first));
        out.addAll(List.of(more));
        return out;
    }

    /** Every command of the tree that has no subcommands, by its name under {@code finescope}. */
    private static Map<String, CommandSpec> leaves() {
        Map<String, CommandSpec> out = new LinkedHashMap<>();
        collect(FineScopeCommand.commandLine(() -> { }), out);
        return out;
    }

    private static void collect(CommandLine cl, Map<String, CommandSpec> out) {
        if (cl.getSubcommands().isEmpty()) {
            out.put(cl.getCommandSpec().qualifiedName().replaceFirst("^finescope ", ""), cl.getCommandSpec());
        }
        cl.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, out));
    }

    private static Field field(ArgSpec a) {
        return a.userObject() instanceof Field f ? f : null;
    }

    private static boolean namesAPath(ArgSpec a) {
        return a.type() == Path.class || (a.auxiliaryTypes().length > 0 && a.auxiliaryTypes()[0] == Path.class);
    }

    private static boolean writes(ArgSpec a) {
        Field f = field(a);
        return f != null && f.isAnnotationPresent(OutputPaths.Writes.class);
    }

    private static boolean reads(ArgSpec a) {
        Field f = field(a);
        return f != null && f.isAnnotationPresent(OutputPaths.Reads.class);
    }

    @Test
    void everyOptionThatNamesAPathSaysWhetherItReadsOrWrites() {
        List<String> unmarked = new ArrayList<>();
        List<CommandSpec> all = new ArrayList<>(leaves().values());
        all.add(FineScopeCommand.commandLine(() -> { }).getCommandSpec());
        for (CommandSpec c : all) {
            for (ArgSpec a : c.args()) {
                if (namesAPath(a) && !reads(a) && !writes(a)) {
                    unmarked.add(c.qualifiedName() + " " + a.paramLabel());
                }
                assertFalse(reads(a) && writes(a), c.qualifiedName() + " " + a.paramLabel());
            }
        }
        assertEquals(List.of(), unmarked);
    }

    @Test
    void everyCommandThatWritesHasARecipeThatGivesEachOfItsInputs() {
        for (Map.Entry<String, CommandSpec> e : leaves().entrySet()) {
            List<OptionSpec> outputs = e.getValue().options().stream().filter(OutputOntoInputTest::writes).toList();
            if (outputs.isEmpty()) {
                continue;
            }
            assertTrue(recipes.containsKey(e.getKey()), "no recipe for " + e.getKey());
            List<String> recipe = recipes.get(e.getKey());
            for (OptionSpec o : e.getValue().options()) {
                if (reads(o)) {
                    assertTrue(recipe.contains(o.longestName()), e.getKey() + " recipe lacks " + o.longestName());
                }
            }
        }
    }

    /** The input paths of a recipe: the values of the options that read, and the positional parameters that do. */
    private static List<Path> inputsOf(CommandSpec c, List<String> recipe) {
        Set<String> reading = new TreeSet<>();
        c.options().stream().filter(OutputOntoInputTest::reads).forEach(o -> reading.addAll(List.of(o.names())));
        boolean positionalReads = c.positionalParameters().stream().anyMatch(OutputOntoInputTest::reads);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < recipe.size(); i++) {
            String a = recipe.get(i);
            if (a.startsWith("--")) {
                if (reading.contains(a)) {
                    out.add(Path.of(recipe.get(i + 1)));
                }
                if (c.findOption(a) != null && c.findOption(a).arity().max() > 0) {
                    i++;
                }
            } else if (positionalReads) {
                out.add(Path.of(a));
            }
        }
        return out;
    }

    /** The input as itself, through a link, as its folder, and for a folder a file in it and a new name in it. */
    private static List<Path> spellings(Path input, Path links) throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(input);
        Path link = links.resolve("link-" + Files.list(links).count());
        Files.createSymbolicLink(link, input);
        out.add(link);
        out.add(input.getParent());
        if (Files.isDirectory(input)) {
            try (Stream<Path> files = Files.list(input)) {
                out.add(files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow());
            }
            out.add(input.resolve("new-output"));
        }
        return out;
    }

    private static List<String> withOption(List<String> recipe, String option, String value) {
        List<String> out = new ArrayList<>(recipe);
        out.addAll(List.of(option, value));
        return out;
    }

    @Test
    void everyOutputOptionOntoEveryInputIsRefusedAndNoInputChanges() throws IOException {
        Path links = Files.createDirectories(dir.resolve("links"));
        Map<String, String> before = NoInputOverwrittenTest.hashes(fixtures);
        List<String> failures = new ArrayList<>();
        int tried = 0;
        for (Map.Entry<String, CommandSpec> e : leaves().entrySet()) {
            List<OptionSpec> outputs = e.getValue().options().stream().filter(OutputOntoInputTest::writes).toList();
            List<String> recipe = recipes.get(e.getKey());
            if (outputs.isEmpty()) {
                continue;
            }
            for (Path input : inputsOf(e.getValue(), recipe)) {
                for (Path spelling : spellings(input, links)) {
                    for (OptionSpec o : outputs) {
                        List<String> args = new ArrayList<>(List.of(e.getKey().split(" ")));
                        args.addAll(withOption(recipe, o.longestName(), spelling.toString()));
                        CliRun run = CliRun.of(args.toArray(String[]::new));
                        tried++;
                        String expected = "finescope: " + spelling + ": ";
                        if (run.code() != 2 || run.errLines().size() != 1
                                || !run.errLines().get(0).startsWith(expected)) {
                            failures.add(String.join(" ", args) + " → exit " + run.code() + ": " + run.err().strip());
                        }
                        Map<String, String> after = NoInputOverwrittenTest.hashes(fixtures);
                        if (!before.equals(after)) {
                            failures.add(String.join(" ", args) + " → changed the inputs");
                            before = after;
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), failures, tried + " tried");
        assertTrue(tried > 150, "tried " + tried);
    }
}
