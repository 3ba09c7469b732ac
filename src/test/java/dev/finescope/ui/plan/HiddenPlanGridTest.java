package dev.finescope.ui.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.testing.OnFx;
import dev.finescope.ui.testing.RecordingDialogs;
import dev.finescope.ui.testing.RecordingWorkspace;
import dev.finescope.ui.testing.TinyBert;
import javafx.beans.property.SimpleBooleanProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plan grid of a tab that is not shown leaves a new base and a new plan until it is shown. */
class HiddenPlanGridTest {

    @BeforeAll
    static void startFx() {
        OnFx.start();
    }

    @Test
    void aHiddenGridCatchesUpWhenShown() {
        ModelFolder base = TinyBert.base();
        try {
            OnFx.run(() -> {
                RecordingWorkspace workspace = new RecordingWorkspace();
                PlanEditorViewModel vm = new PlanEditorViewModel(workspace, UiExecutor.sameThread(),
                        new RecordingDialogs());
                SimpleBooleanProperty shown = new SimpleBooleanProperty(false);
                PlanEditorPane pane = new PlanEditorPane(vm, shown);
                // skins (the scroll pane's, which holds the grid) are made by a style pass in a scene
                new javafx.scene.Scene(pane, 900, 500);
                pane.applyCss();
                assertNotNull(pane.lookup("#no-model"));

                workspace.baseProperty().set(base);
                assertNotNull(pane.lookup("#no-model"), "hidden: not rebuilt");
                assertNull(pane.lookup("#cell-0-Q"));
                shown.set(true);
                assertNull(pane.lookup("#no-model"));
                assertEquals("● train", ((PlanGrid.CellView) pane.lookup("#cell-0-Q")).text());

                shown.set(false);
                vm.applyBiasesOnly();
                assertEquals("● train", ((PlanGrid.CellView) pane.lookup("#cell-0-Q")).text(),
                        "hidden: not refreshed");
                shown.set(true);
                assertEquals("○ frozen", ((PlanGrid.CellView) pane.lookup("#cell-0-Q")).text());
            });
        } finally {
            base.close();
        }
    }
}
