package dev.finescope.ui.plan;

import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanJson;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.UiExecutor;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.concurrent.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans in files: asks the user where through the {@link DialogService}, then reads or writes the JSON in the
 * background, so a slow disk never stalls the editor. A plan is written atomically; a plan read is offered only
 * when it fits the base model, and otherwise the user is told what does not fit.
 */
final class PlanFiles {

    private static final Logger LOGGER = LoggerFactory.getLogger(PlanFiles.class);
    private static final List<String> PLAN_FILES = List.of("*.json");

    private final UiExecutor executor;
    private final DialogService dialogs;
    private final Supplier<ModelLayout> layout;
    private final ReadOnlyBooleanWrapper busy;

    /**
     * Files checked against the layout {@code layout} gives at the time a plan is read; {@code bean} owns the busy
     * property, as the views see it.
     */
    PlanFiles(Object bean, UiExecutor executor, DialogService dialogs, Supplier<ModelLayout> layout) {
        this.executor = executor;
        this.dialogs = dialogs;
        this.layout = layout;
        this.busy = new ReadOnlyBooleanWrapper(bean, "busy");
    }

    /** True while a plan file is read or written. */
    ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** Asks where, then writes {@code p} as JSON (atomically) in the background. */
    void save(Plan p) {
        String initial = fileName(p.name()) + ".json";
        dialogs.chooseSaveFile("Save plan", initial, PLAN_FILES).ifPresent(file -> {
            Task<Path> task = new Task<>() {
                @Override
                protected Path call() {
                    PlanJson.write(p, file);
                    return file;
                }
            };
            run(task, "Cannot save the plan", saved -> LOGGER.info("Plan saved to {}", saved));
        });
    }

    /**
     * Asks for a plan file and reads it in the background; {@code accept} gets it on the FX thread when it fits the
     * base model, otherwise the user is told what does not fit.
     */
    void load(Consumer<Plan> accept) {
        dialogs.chooseOpenFile("Open plan", PLAN_FILES).ifPresent(file -> {
            Task<Plan> task = new Task<>() {
                @Override
                protected Plan call() {
                    return PlanJson.read(file);
                }
            };
            run(task, "Cannot open the plan", loaded -> {
                ModelLayout l = layout.get();
                List<String> problems = l == null ? List.of() : loaded.problems(l);
                if (!problems.isEmpty()) {
                    dialogs.showError("The plan does not fit the model",
                            file + ": " + String.join("; ", problems));
                    return;
                }
                accept.accept(loaded);
            });
        });
    }

    private <T> void run(Task<T> task, String errorTitle, Consumer<T> onSuccess) {
        busy.set(true);
        task.setOnSucceeded(e -> {
            busy.set(false);
            onSuccess.accept(task.getValue());
        });
        task.setOnFailed(e -> {
            busy.set(false);
            Throwable t = task.getException();
            LOGGER.warn("{}: {}", errorTitle, t.getMessage());
            dialogs.showError(errorTitle, t.getMessage());
        });
        executor.execute(task);
    }

    /** A file name for a plan's name: lower case, with one dash for each run of other characters. */
    static String fileName(String planName) {
        String s = planName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        return s.isEmpty() ? "plan" : s;
    }
}
