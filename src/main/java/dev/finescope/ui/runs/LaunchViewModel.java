package dev.finescope.ui.runs;

import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.LaunchCheck;
import dev.finescope.ui.common.DialogService;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The launch dialog's form: which task data, which hyper-parameters, which device, and the run's name. It says
 * what is missing while the user fills it in, and turns into the data spec and knobs of a run spec; the plan,
 * the base model and the output folder come from the workspace.
 */
public final class LaunchViewModel {

    /** The files a user's own task data may be. */
    public static final List<String> DATA_FILES = List.of("*.csv", "*.tsv", "*.jsonl");

    private final DialogService dialogs;
    private final StringProperty name = new SimpleStringProperty(this, "name", "");
    private final ObjectProperty<DataSpec.Kind> dataKind = new SimpleObjectProperty<>(this, "dataKind",
            DataSpec.Kind.GLUE);
    private final ObjectProperty<Path> glueFolder = new SimpleObjectProperty<>(this, "glueFolder");
    private final StringProperty glueTask = new SimpleStringProperty(this, "glueTask", "SST-2");
    private final ObjectProperty<Path> dataFile = new SimpleObjectProperty<>(this, "dataFile");
    private final StringProperty textColumn = new SimpleStringProperty(this, "textColumn", "sentence");
    private final StringProperty textPairColumn = new SimpleStringProperty(this, "textPairColumn", "");
    private final StringProperty labelColumn = new SimpleStringProperty(this, "labelColumn", "label");
    private final ObjectProperty<HyperParameters> hyperParameters =
            new SimpleObjectProperty<>(this, "hyperParameters", HyperParameters.DEFAULTS);
    private final ObjectProperty<Device> device = new SimpleObjectProperty<>(this, "device", Device.AUTO);
    private final String planName;
    private final String sparsity;
    private final StringBinding problemText;

    LaunchViewModel(DialogService dialogs, String planName) {
        this(dialogs, planName, "");
    }

    /** @param sparsity the plan's share(s) of zeros in words ("masks 30 %"), empty for a plan without masks */
    LaunchViewModel(DialogService dialogs, String planName, String sparsity) {
        this.dialogs = Objects.requireNonNull(dialogs, "dialogs");
        this.planName = planName == null ? "" : planName;
        this.sparsity = sparsity == null ? "" : sparsity;
        problemText = Bindings.createStringBinding(() -> String.join("\n", problems()), dataKind, glueFolder,
                glueTask, dataFile, textColumn, labelColumn, hyperParameters);
    }

    /** What the user calls the run; a name from the task and the plan when left empty. */
    public StringProperty nameProperty() {
        return name;
    }

    public ObjectProperty<DataSpec.Kind> dataKindProperty() {
        return dataKind;
    }

    /** GLUE's {@code glue_data} folder, or one task's folder. */
    public ObjectProperty<Path> glueFolderProperty() {
        return glueFolder;
    }

    /** One of {@link DataSpec#GLUE_TASKS}. */
    public StringProperty glueTaskProperty() {
        return glueTask;
    }

    /** A CSV, TSV or JSONL file of one's own (or a folder of train and dev files). */
    public ObjectProperty<Path> dataFileProperty() {
        return dataFile;
    }

    public StringProperty textColumnProperty() {
        return textColumn;
    }

    /** The second text of sentence-pair tasks; empty for single sentences. */
    public StringProperty textPairColumnProperty() {
        return textPairColumn;
    }

    public StringProperty labelColumnProperty() {
        return labelColumn;
    }

    public ObjectProperty<HyperParameters> hyperParametersProperty() {
        return hyperParameters;
    }

    public ObjectProperty<Device> deviceProperty() {
        return device;
    }

    /** The plan the run will follow, for the dialog to name. */
    public String planName() {
        return planName;
    }

    /** Everything missing or wrong, one sentence a line; empty when the run can be launched. */
    public StringBinding problemTextBinding() {
        return problemText;
    }

    /** Asks for GLUE's folder. */
    public void chooseGlueFolder() {
        dialogs.chooseDirectory("GLUE data folder").ifPresent(glueFolder::set);
    }

    /** Asks for a data file of one's own. */
    public void chooseDataFile() {
        dialogs.chooseOpenFile("Task data (CSV, TSV or JSONL)", DATA_FILES).ifPresent(dataFile::set);
    }

    /** What {@link LaunchCheck} says of the data and the knobs, one sentence each; empty when the form is done. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (dataKind.get() == DataSpec.Kind.GLUE && glueFolder.get() == null) {
            out.add("Choose the GLUE data folder.");
        } else if (dataKind.get() == DataSpec.Kind.FILE && dataFile.get() == null) {
            out.add("Choose a CSV, TSV or JSONL file.");
        } else {
            LaunchCheck.data(dataSpec()).forEach(p -> out.add(p.sentence()));
        }
        LaunchCheck.hyperParameters(hyperParameters.get()).forEach(p -> out.add(p.sentence()));
        return out;
    }

    /** The task data as the run spec names it. */
    public DataSpec dataSpec() {
        if (dataKind.get() == DataSpec.Kind.GLUE) {
            return DataSpec.glue(glueFolder.get(), glueTask.get());
        }
        String pair = textPairColumn.get() == null || textPairColumn.get().isBlank() ? null
                : textPairColumn.get().strip();
        return DataSpec.file(dataFile.get(), strip(textColumn.get()), pair, strip(labelColumn.get()));
    }

    /** The run's name as it would be if launched now; see {@link #runName(Instant)}. */
    public String runName() {
        return runName(Instant.now());
    }

    /**
     * The run's name: the user's, else what tells it from the others: the data, the plan, its sparsity, the seed
     * and the local time of launch ("SST-2 · sparsify encoder at 30% · seed 42 · 14:05").
     */
    public String runName(Instant launched) {
        if (name.get() != null && !name.get().isBlank()) {
            return name.get().strip();
        }
        String data = dataKind.get() == DataSpec.Kind.GLUE ? glueTask.get()
                : dataFile.get() == null ? "data" : String.valueOf(dataFile.get().getFileName());
        List<String> parts = new ArrayList<>(List.of(data));
        if (!planName.isEmpty()) {
            parts.add(planName);
        }
        if (!sparsity.isEmpty() && !planName.contains("%")) {
            parts.add(sparsity);
        }
        parts.add("seed " + hyperParameters.get().seed());
        parts.add(TIME.format(launched.atZone(ZoneId.systemDefault())));
        return String.join(" · ", parts);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    /** "masks 30 %", "masks 10–70 %": the sparsity levels of a plan's sparsified matrices; empty without any. */
    static String sparsityOf(dev.finescope.plan.Plan plan) {
        if (plan == null) {
            return "";
        }
        java.util.TreeSet<Long> percents = new java.util.TreeSet<>();
        java.util.stream.Stream.concat(java.util.stream.Stream.of(plan.defaultAction()), plan.cells().values().stream())
                .filter(dev.finescope.plan.Action::isSparsify)
                .forEach(a -> percents.add(Math.round(100 * a.sparsity())));
        if (percents.isEmpty()) {
            return "";
        }
        return "masks " + (percents.size() == 1 ? percents.first() : percents.first() + "–" + percents.last()) + " %";
    }

    /** Copies the data, knobs and device of an earlier form, so a second run starts where the first did. */
    void copyFrom(LaunchViewModel other) {
        dataKind.set(other.dataKind.get());
        glueFolder.set(other.glueFolder.get());
        glueTask.set(other.glueTask.get());
        dataFile.set(other.dataFile.get());
        textColumn.set(other.textColumn.get());
        textPairColumn.set(other.textPairColumn.get());
        labelColumn.set(other.labelColumn.get());
        hyperParameters.set(other.hyperParameters.get());
        device.set(other.device.get());
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }
}
