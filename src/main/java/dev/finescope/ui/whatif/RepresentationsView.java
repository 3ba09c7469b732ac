package dev.finescope.ui.whatif;

import static dev.finescope.ui.whatif.WhatIfControls.heading;
import static dev.finescope.ui.whatif.WhatIfControls.tip;

import dev.finescope.ui.common.ChartPane;
import dev.finescope.ui.common.TunedModel;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The Representations page: what to compare with and on how many sentences on the left; on the right, per layer,
 * the linear CKA of the hidden states above how far the layer's weights moved. A thin view of
 * {@link RepresentationsViewModel}.
 */
final class RepresentationsView extends SplitPane {

    private final RepresentationsViewModel page;

    RepresentationsView(WhatIfViewModel vm) {
        this.page = vm.representations();
        VBox left = controls(vm);
        getItems().setAll(left, chart());
        setDividerPositions(0.24);
        SplitPane.setResizableWithParent(left, false);
    }

    private VBox controls(WhatIfViewModel vm) {
        ComboBox<TunedModel> against = new ComboBox<>();
        against.setId("cka-against");
        against.getItems().add(null);
        page.others().addListener((javafx.collections.ListChangeListener<TunedModel>) c -> {
            TunedModel chosen = against.getValue();
            against.getItems().setAll(page.others());
            against.getItems().add(0, null);
            against.setValue(page.others().contains(chosen) ? chosen : null);
        });
        against.getItems().addAll(page.others());
        against.setButtonCell(new AgainstCell());
        against.setCellFactory(l -> new AgainstCell());
        against.valueProperty().bindBidirectional(page.againstProperty());
        against.setMaxWidth(Double.MAX_VALUE);
        tip(against, "Compare the chosen model with its own base, or with another fine-tune of the workspace "
                + "(two tasks, two seeds).");

        Spinner<Integer> sentences = new Spinner<>(2, 100_000, RepresentationsViewModel.DEFAULT_SENTENCES, 64);
        sentences.setId("cka-sentences");
        sentences.setEditable(true);
        sentences.setPrefWidth(110);
        sentences.valueProperty().addListener((obs, was, now) -> page.sentencesProperty().set(now));
        tip(sentences, "The first sentences of the split, in file order; both models see the same ones.");

        Button compare = new Button("Compare representations");
        compare.setId("cka-compare");
        compare.getStyleClass().add("accent");
        compare.setOnAction(e -> page.compare());
        compare.disableProperty().bind(page.taskProperty().isNotNull().or(vm.blockerProperty().isNotEmpty()));
        tip(compare, "Linear CKA (Kornblith et al. 2019) per layer; cached per models and data.");

        VBox left = new VBox(6, heading("Compare with"), against, heading("Sentences"), sentences, compare);
        left.setPadding(new Insets(10));
        return left;
    }

    private StackPane chart() {
        ChartPane chart = new ChartPane();
        chart.setId("cka-chart");
        chart.setMinSize(320, 260);
        Runnable show = () -> {
            RepresentationsViewModel.CkaPicture p = page.pictureProperty().get();
            chart.setChart(p == null ? null : p.chart());
        };
        page.pictureProperty().addListener((obs, was, now) -> show.run());
        show.run();
        Label empty = new Label("Where did the representations change, and is it where the weights moved? Compare "
                + "the chosen model's hidden states, layer by layer, with its base's or another fine-tune's.");
        empty.setWrapText(true);
        empty.setMaxWidth(480);
        empty.getStyleClass().add("text-muted");
        empty.visibleProperty().bind(page.pictureProperty().isNull());
        chart.visibleProperty().bind(page.pictureProperty().isNotNull());
        StackPane pane = new StackPane(chart, empty);
        VBox.setVgrow(pane, Priority.ALWAYS);
        return pane;
    }

    /** "its base" for no choice, the model's label otherwise. */
    private static final class AgainstCell extends ListCell<TunedModel> {
        @Override
        protected void updateItem(TunedModel item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty ? null : item == null ? "its base" : item.label());
        }
    }
}
