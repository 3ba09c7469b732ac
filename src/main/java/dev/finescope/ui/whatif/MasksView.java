package dev.finescope.ui.whatif;

import static dev.finescope.ui.whatif.WhatIfControls.column;
import static dev.finescope.ui.whatif.WhatIfControls.fixed;
import static dev.finescope.ui.whatif.WhatIfControls.heading;
import static dev.finescope.ui.whatif.WhatIfControls.tip;

import dev.finescope.ui.common.ChartPane;
import dev.finescope.ui.common.TunedModel;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.controlsfx.control.CheckListView;

/**
 * The Masks page: the masked runs to tick on the left, the two pair matrices (Hamming, Jaccard) over a table of
 * each run's accuracy and mean distances on the right. A thin view of {@link MasksViewModel}.
 */
final class MasksView extends SplitPane {

    private final MasksViewModel page;

    MasksView(WhatIfViewModel vm) {
        this.page = vm.masks();
        VBox left = runs();
        getItems().setAll(left, comparison());
        setDividerPositions(0.22);
        SplitPane.setResizableWithParent(left, false);
    }

    private VBox runs() {
        CheckListView<TunedModel> runs = new CheckListView<>(page.maskCandidates());
        runs.setId("mask-runs");
        runs.setPrefWidth(220);
        runs.setPlaceholder(new Label("No run with learned masks in this workspace."));
        tip(runs, "The runs with learned masks to compare; none ticked compares them all.");
        runs.getCheckModel().getCheckedItems().addListener((ListChangeListener<TunedModel>) c ->
                page.maskChosen().setAll(runs.getCheckModel().getCheckedItems()));
        Button compare = new Button("Compare masks");
        compare.setId("mask-compare");
        compare.getStyleClass().add("accent");
        compare.setOnAction(e -> page.compareMasks());
        compare.disableProperty().bind(Bindings.size(page.maskCandidates()).lessThan(2)
                .or(page.maskTaskProperty().isNotNull()));
        tip(compare, "Hamming distance and Jaccard overlap of the zeroed entries, for every pair of runs.");
        Label runsHeading = heading("Masked runs");
        VBox left = new VBox(6, runsHeading, runs, compare);
        VBox.setVgrow(runs, Priority.ALWAYS);
        left.setPadding(new Insets(10));
        return left;
    }

    private StackPane comparison() {
        ChartPane hamming = new ChartPane();
        hamming.setId("mask-hamming");
        hamming.setMinSize(240, 220);
        ChartPane jaccard = new ChartPane();
        jaccard.setId("mask-jaccard");
        jaccard.setMinSize(240, 220);
        Runnable show = () -> {
            MasksViewModel.MaskPicture p = page.maskPictureProperty().get();
            hamming.setChart(p == null ? null : p.hamming());
            jaccard.setChart(p == null ? null : p.jaccard());
        };
        page.maskPictureProperty().addListener((obs, was, now) -> show.run());
        show.run();
        GridPane matrices = new GridPane();
        matrices.setHgap(6);
        ColumnConstraints half = new ColumnConstraints();
        half.setPercentWidth(50);
        half.setHgrow(Priority.ALWAYS);
        matrices.getColumnConstraints().setAll(half, half);
        matrices.add(hamming, 0, 0);
        matrices.add(jaccard, 1, 0);
        GridPane.setVgrow(hamming, Priority.ALWAYS);
        GridPane.setVgrow(jaccard, Priority.ALWAYS);

        TableView<MasksViewModel.MaskRow> table = new TableView<>(page.maskRows());
        table.setId("mask-table");
        table.setPlaceholder(new Label("Compare masks to see each run's accuracy and overlap."));
        table.getColumns().add(column("run", 160, MasksViewModel.MaskRow::label));
        table.getColumns().add(column("accuracy", 90, r -> r.accuracy() == null ? "unknown" : fixed(r.accuracy())));
        table.getColumns().add(column("Hamming, mean", 130, r -> fixed(r.meanHamming())));
        table.getColumns().add(column("Jaccard, mean", 130, r -> fixed(r.meanJaccard())));
        table.setPrefHeight(180);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        tip(table, "Each run's accuracy (from its overlay) beside how far its mask lies from the others'.");

        SplitPane right = new SplitPane(matrices, table);
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.7);
        Label empty = new Label("Compare the learned masks of masked runs: are runs at different sparsities the "
                + "same solution, or different good ones?");
        empty.setWrapText(true);
        empty.setMaxWidth(480);
        empty.getStyleClass().add("text-muted");
        empty.visibleProperty().bind(page.maskPictureProperty().isNull());
        right.visibleProperty().bind(page.maskPictureProperty().isNotNull());
        return new StackPane(right, empty);
    }
}
