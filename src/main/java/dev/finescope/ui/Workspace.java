package dev.finescope.ui;

import dev.finescope.analysis.ModelComparison;
import dev.finescope.checkpoint.ModelFolder;
import java.nio.file.Path;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the user has open: a base model, the selected comparison with a tuned model, and a runs folder. */
public class Workspace {

    private static final Logger LOGGER = LoggerFactory.getLogger(Workspace.class);

    private final ObjectProperty<ModelFolder> base = new SimpleObjectProperty<>(this, "base");
    private final ObjectProperty<Path> runsFolder = new SimpleObjectProperty<>(this, "runsFolder");
    private final ObjectProperty<ModelComparison> selectedComparison =
            new SimpleObjectProperty<>(this, "selectedComparison");

    /** The pre-trained model; null while none is open. */
    public ObjectProperty<ModelFolder> baseProperty() {
        return base;
    }

    /** Where runs are written and found again. */
    public ObjectProperty<Path> runsFolderProperty() {
        return runsFolder;
    }

    /** The comparison of the selected tuned model with the base; null when none is selected. */
    public ObjectProperty<ModelComparison> selectedComparisonProperty() {
        return selectedComparison;
    }

    /** A tuned model (a folder, a weights file or an overlay) joins the workspace. */
    public void addTunedModel(Path path) {
        LOGGER.info("Tuned model {} joins the workspace", path);
    }
}
