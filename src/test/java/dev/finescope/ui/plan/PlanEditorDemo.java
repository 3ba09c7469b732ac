package dev.finescope.ui.plan;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.plan.Action;
import dev.finescope.plan.MatrixCell;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.testing.PaneShot;
import dev.finescope.ui.testing.RecordingDialogs;
import dev.finescope.ui.testing.RecordingWorkspace;
import dev.finescope.ui.testing.TinyBert;
import java.nio.file.Path;
import javafx.util.Duration;

/**
 * The plan editor alone on the tiny fixture, with a few cells of each kind: {@code PlanEditorDemo [out.png]}
 * shows it, or writes a snapshot and exits.
 */
public final class PlanEditorDemo {

    private PlanEditorDemo() {
    }

    public static void main(String[] args) {
        Path png = args.length > 0 ? Path.of(args[0]) : null;
        RecordingWorkspace workspace = new RecordingWorkspace();
        PlanEditorViewModel[] vm = new PlanEditorViewModel[1];
        PaneShot.show("Plan editor", () -> {
            workspace.baseProperty().set(TinyBert.base());
            RecordingWorkspace.select(workspace, TinyBert.comparison());
            vm[0] = new PlanEditorViewModel(workspace, UiExecutor.pooled("demo", 2), new RecordingDialogs());
            return new PlanEditorPane(vm[0]);
        }, 1300, 560, stage -> javafx.application.Platform.runLater(() -> {
            vm[0].toolProperty().set(Action.Kind.FREEZE);
            vm[0].paintRow(GridRow.EMBEDDINGS);
            vm[0].toolProperty().set(Action.Kind.SPARSIFY);
            vm[0].sparsityPercentProperty().set(30);
            vm[0].paintColumn(GridColumn.FFN_IN);
            vm[0].paint(MatrixCell.layer(1, GridColumn.V));
        }), png, Duration.seconds(2));
    }
}
