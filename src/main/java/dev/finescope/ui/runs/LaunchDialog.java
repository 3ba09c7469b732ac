package dev.finescope.ui.runs;

import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import java.nio.file.Path;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.StringProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import javafx.util.StringConverter;
import org.controlsfx.control.PropertySheet;

/**
 * Asks what a run should train on and how: the task data (a GLUE task, or a file of one's own with its
 * columns), the hyper-parameters with their defaults, the device and a name. A thin view over a
 * {@link LaunchViewModel}; "Launch" stays disabled while the form says what is missing.
 */
final class LaunchDialog extends Dialog<ButtonType> {

    static final ButtonType LAUNCH = new ButtonType("Launch", ButtonBar.ButtonData.OK_DONE);

    LaunchDialog(Window owner, LaunchViewModel form) {
        setTitle("Launch a run");
        setHeaderText("Train " + (form.planName().isEmpty() ? "the plan" : "\"" + form.planName() + "\"")
                + " in a process of its own; the app shows its progress.");
        if (owner != null) {
            initOwner(owner);
        }
        setResizable(true);

        TextField name = new TextField();
        name.setId("run-name");
        name.textProperty().bindBidirectional(form.nameProperty());
        name.promptTextProperty().bind(Bindings.createStringBinding(form::runName, form.dataKindProperty(),
                form.glueTaskProperty(), form.dataFileProperty(), form.hyperParametersProperty()));

        HBox device = deviceChooser(form, GpuSupport.whyNone().orElse(""));

        GridPane top = form();
        top.addRow(0, new Label("Name"), name);
        top.addRow(1, new Label("Task data"), dataChooser(form));
        top.add(glueSection(form), 1, 2);
        top.add(fileSection(form), 1, 3);
        top.addRow(4, new Label("Device"), device);

        PropertySheet sheet = HyperParameterSheet.create(form.hyperParametersProperty());
        sheet.setPrefHeight(335);
        TitledPane knobs = new TitledPane("Hyper-parameters (defaults suit GLUE-sized tasks; hover a name for "
                + "what it does and its option name)", sheet);
        knobs.setCollapsible(false);

        Label problems = new Label();
        problems.setId("launch-problems");
        problems.setWrapText(true);
        problems.setStyle("-fx-text-fill: #d55e00;");
        problems.textProperty().bind(form.problemTextBinding());

        VBox content = new VBox(10, top, knobs, problems);
        content.setPadding(new Insets(10, 12, 0, 12));
        content.setPrefWidth(620);
        getDialogPane().setContent(content);
        getDialogPane().getButtonTypes().setAll(LAUNCH, ButtonType.CANCEL);
        Node launch = getDialogPane().lookupButton(LAUNCH);
        launch.setId("launch-ok");
        launch.disableProperty().bind(form.problemTextBinding().isNotEmpty());
        setResultConverter(b -> b);
    }

    /**
     * The device: automatic, CPU or GPU. Where the app knows there is no GPU ({@code noGpu} says why), the GPU is
     * shown disabled with the reason beside it, and a form that asked for it falls back to automatic.
     */
    static HBox deviceChooser(LaunchViewModel form, String noGpu) {
        ComboBox<Device> device = new ComboBox<>();
        device.setId("device");
        device.getItems().setAll(Device.values());
        if (!noGpu.isEmpty() && form.deviceProperty().get() == Device.GPU) {
            form.deviceProperty().set(Device.AUTO);
        }
        device.valueProperty().bindBidirectional(form.deviceProperty());
        StringConverter<Device> names = new StringConverter<>() {
            @Override
            public String toString(Device d) {
                return d == null ? "" : switch (d) {
                    case AUTO -> noGpu.isEmpty() ? "automatic (the GPU when there is one)" : "automatic (the CPU here)";
                    case CPU -> "CPU";
                    case GPU -> noGpu.isEmpty() ? "GPU" : "GPU (not available)";
                };
            }

            @Override
            public Device fromString(String s) {
                throw new UnsupportedOperationException("the device is chosen, not typed");
            }
        };
        device.setConverter(names);
        device.setCellFactory(list -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(Device d, boolean empty) {
                super.updateItem(d, empty);
                setText(empty ? null : names.toString(d));
                boolean off = !empty && d == Device.GPU && !noGpu.isEmpty();
                setDisable(off);
                setTooltip(off ? new Tooltip(noGpu) : null);
            }
        });
        Label why = new Label(noGpu.isEmpty() ? "" : capitalise(noGpu) + ".");
        why.setId("device-note");
        why.setWrapText(true);
        why.setStyle("-fx-font-size: 11px; -fx-opacity: 0.8;");
        why.setVisible(!noGpu.isEmpty());
        why.setManaged(!noGpu.isEmpty());
        HBox.setHgrow(why, Priority.ALWAYS);
        device.setMinWidth(Region.USE_PREF_SIZE);
        HBox box = new HBox(10, device, why);
        box.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return box;
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Shows the dialog without blocking and hands the form to {@code onLaunch} when the user launches. */
    static void show(Window owner, LaunchViewModel form, Consumer<LaunchViewModel> onLaunch) {
        LaunchDialog dialog = new LaunchDialog(owner, form);
        dialog.setOnHidden(e -> {
            if (dialog.getResult() == LAUNCH) {
                onLaunch.accept(form);
            }
        });
        dialog.show();
    }

    private static GridPane form() {
        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(8);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(90);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().setAll(labels, fields);
        return g;
    }

    private static HBox dataChooser(LaunchViewModel form) {
        ToggleGroup group = new ToggleGroup();
        RadioButton glue = new RadioButton("a GLUE task");
        glue.setId("data-glue");
        glue.setUserData(DataSpec.Kind.GLUE);
        RadioButton file = new RadioButton("a CSV, TSV or JSONL file of my own");
        file.setId("data-file");
        file.setUserData(DataSpec.Kind.FILE);
        group.getToggles().setAll(glue, file);
        group.selectToggle(form.dataKindProperty().get() == DataSpec.Kind.GLUE ? glue : file);
        group.selectedToggleProperty().addListener((obs, old, t) -> {
            if (t == null) {
                group.selectToggle(old);
            } else {
                form.dataKindProperty().set((DataSpec.Kind) t.getUserData());
            }
        });
        return new HBox(16, glue, file);
    }

    private static GridPane glueSection(LaunchViewModel form) {
        GridPane g = form();
        Button choose = new Button("Choose…");
        choose.setId("choose-glue");
        choose.setMinWidth(Region.USE_PREF_SIZE);
        choose.setOnAction(e -> form.chooseGlueFolder());
        g.addRow(0, new Label("GLUE folder"), pathField(form.glueFolderProperty(), "glue_data or one task's folder"),
                choose);
        ComboBox<String> task = new ComboBox<>();
        task.setId("glue-task");
        task.getItems().setAll(DataSpec.GLUE_TASKS);
        task.valueProperty().bindBidirectional(form.glueTaskProperty());
        g.addRow(1, new Label("Task"), task);
        showWhen(g, form, DataSpec.Kind.GLUE);
        return g;
    }

    private static GridPane fileSection(LaunchViewModel form) {
        GridPane g = form();
        Button choose = new Button("Choose…");
        choose.setId("choose-file");
        choose.setMinWidth(Region.USE_PREF_SIZE);
        choose.setOnAction(e -> form.chooseDataFile());
        g.addRow(0, new Label("File"), pathField(form.dataFileProperty(), "train/dev split by the file's own folder"),
                choose);
        g.addRow(1, new Label("Text column"), column(form.textColumnProperty(), "column-text", "sentence"));
        g.addRow(2, new Label("Second text"),
                column(form.textPairColumnProperty(), "column-pair", "only for sentence pairs"));
        g.addRow(3, new Label("Label column"), column(form.labelColumnProperty(), "column-label", "label"));
        showWhen(g, form, DataSpec.Kind.FILE);
        return g;
    }

    private static TextField pathField(ObjectProperty<Path> path, String prompt) {
        TextField f = new TextField();
        f.setEditable(false);
        f.setPromptText(prompt);
        f.setPrefColumnCount(28);
        f.textProperty().bind(Bindings.createStringBinding(
                () -> path.get() == null ? "" : path.get().toString(), path));
        f.setTooltip(new Tooltip("Use Choose… to pick it."));
        return f;
    }

    private static TextField column(StringProperty value, String id, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.textProperty().bindBidirectional(value);
        f.setTooltip(new Tooltip("The CSV/TSV header or the JSONL key."));
        return f;
    }

    private static void showWhen(Node section, LaunchViewModel form, DataSpec.Kind kind) {
        section.visibleProperty().bind(form.dataKindProperty().isEqualTo(kind));
        section.managedProperty().bind(section.visibleProperty());
    }
}
