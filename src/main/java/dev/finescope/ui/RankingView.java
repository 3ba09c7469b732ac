package dev.finescope.ui;

import dev.finescope.ui.common.ChartPane;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;

/** The ranking tab: one dot per matrix, furthest moved first, as tall as it needs to be and scrolled. */
public final class RankingView extends BorderPane {

    private static final String EMPTY = "The ranking appears once a fine-tuned model is open.";

    /** The ranking of {@code vm}, drawn while {@code shown} holds (its tab is selected). */
    public RankingView(RankingViewModel vm, javafx.beans.value.ObservableBooleanValue shown) {
        ChartPane chart = new ChartPane();
        chart.setId("ranking-chart");
        chart.drawOnlyWhile(shown);
        ScrollPane scroll = new ScrollPane(chart);
        scroll.setFitToWidth(true);
        Label empty = new Label(EMPTY);
        empty.setId("ranking-message");
        empty.setWrapText(true);
        empty.setMaxWidth(640);
        empty.getStyleClass().add("text-muted");
        Label note = new Label("Ranked by the heatmap's metric and scale; change them on the Heatmap tab.");
        note.getStyleClass().add("text-muted");
        javafx.scene.control.TextField filter = new javafx.scene.control.TextField();
        filter.setId("ranking-filter");
        filter.setPromptText("filter, e.g. 11 value");
        filter.setPrefColumnCount(14);
        filter.setTooltip(new javafx.scene.control.Tooltip("Only the matrices whose tensor name or cell holds every "
                + "word typed"));
        filter.textProperty().bindBidirectional(vm.filterProperty());
        javafx.scene.layout.HBox top = new javafx.scene.layout.HBox(12, filter, note);
        top.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        top.setPadding(new Insets(8, 10, 8, 10));
        setTop(top);
        vm.rankingProperty().addListener((obs, was, now) -> show(now, chart, scroll, empty));
        show(vm.rankingProperty().get(), chart, scroll, empty);
    }

    private void show(RankingViewModel.Ranking r, ChartPane chart, ScrollPane scroll, Label empty) {
        if (r == null || r.chart() == null) {
            chart.setChart(null);
            empty.setText(r == null ? EMPTY : r.message());
            setCenter(empty);
            return;
        }
        chart.setChart(r.chart());
        chart.setMinHeight(r.size().height);
        chart.setPrefHeight(r.size().height);
        setCenter(scroll);
    }
}
