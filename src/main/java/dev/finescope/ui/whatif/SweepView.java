package dev.finescope.ui.whatif;

import static dev.finescope.ui.whatif.WhatIfControls.tip;

import dev.finescope.ui.common.ChartPane;
import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.SweepSpec;
import java.nio.file.Path;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The Sensitivity sweep page: the sweep's settings in a bar, its heatmap (at the sparsity chosen) beside its
 * curves, and the hovered cell's numbers below. The charts are the sweep's own, changed in place as its throttled
 * points arrive (see {@link LiveSweep}); this view sets them once per sweep. A thin view of {@link SweepViewModel}.
 */
final class SweepView extends BorderPane {

    private final WhatIfViewModel vm;
    private final SweepViewModel page;
    /** Bidirectional bindings are weak: this adapter lives as long as the page. */
    private final ObjectProperty<Long> sweepSeedObject;

    SweepView(WhatIfViewModel vm) {
        this.vm = vm;
        this.page = vm.sweep();
        sweepSeedObject = page.sweepSeedProperty().asObject();
        setCenter(charts());
        setTop(settings());
        setBottom(readouts());
    }

    private FlowPane settings() {
        ComboBox<SweepSpec.Granularity> granularity = new ComboBox<>();
        granularity.getItems().setAll(SweepSpec.Granularity.values());
        granularity.setId("sweep-granularity");
        granularity.valueProperty().bindBidirectional(page.granularityProperty());
        granularity.setConverter(new StringConverter<>() {
            @Override
            public String toString(SweepSpec.Granularity g) {
                return g == null ? "" : g == SweepSpec.Granularity.CELL ? "each matrix" : "each layer";
            }

            @Override
            public SweepSpec.Granularity fromString(String s) {
                return s.startsWith("each layer") ? SweepSpec.Granularity.ROW : SweepSpec.Granularity.CELL;
            }
        });
        tip(granularity, "Prune every matrix alone (a cell of the grid), or every layer's matrices together.");

        TextField sparsities = new TextField();
        sparsities.setId("sweep-sparsities");
        sparsities.setPrefColumnCount(11);
        sparsities.textProperty().bindBidirectional(page.sparsitiesProperty());
        tip(sparsities, "The sparsities to try, in percent, separated by commas.");

        ComboBox<PruneMethod> method = WhatIfControls.methodChooser("sweep-method", page.sweepMethodProperty());
        TextField seed = WhatIfControls.seedField("sweep-seed", sweepSeedObject);
        seed.disableProperty().bind(page.sweepMethodProperty().isNotEqualTo(PruneMethod.RANDOM));

        CheckBox resume = new CheckBox("resume");
        resume.setId("sweep-resume");
        resume.selectedProperty().bindBidirectional(page.resumeProperty());
        tip(resume, "Keep the points of an earlier, cancelled sweep with the same settings and compute only the "
                + "rest.");

        Button run = new Button("Run sweep");
        run.setId("sweep-run");
        run.getStyleClass().add("accent");
        run.setOnAction(e -> page.runSweep());
        run.disableProperty().bind(vm.busyBinding().or(vm.blockerProperty().isNotEmpty()));
        tip(run, "Prune each matrix (or layer) alone at each sparsity and score the model: points appear as they "
                + "arrive.");
        Button cancel = WhatIfControls.cancelButton(vm, "sweep-cancel");
        Button estimate = new Button("Estimate");
        estimate.setId("sweep-estimate");
        estimate.setOnAction(e -> page.estimate().run());
        estimate.disableProperty().bind(vm.busyBinding().or(vm.blockerProperty().isNotEmpty()));
        tip(estimate, "Every point of this sweep estimated from one pass of gradients, in seconds: the estimated "
                + "change of the loss (magnitude pruning), not a measurement.");

        FlowPane bar = new FlowPane(8, 6, new Label("prune"), granularity, new Label("at %"), sparsities,
                new Label("method"), method, new Label("seed"), seed, resume, run, cancel, estimate);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(8, 10, 8, 10));
        return bar;
    }

    private StackPane charts() {
        ComboBox<Double> shown = new ComboBox<>(page.sweepSparsities());
        shown.setId("sweep-sparsity");
        shown.valueProperty().bindBidirectional(page.shownSparsityProperty());
        shown.setConverter(new StringConverter<>() {
            @Override
            public String toString(Double s) {
                return s == null ? "" : WhatIfCharts.percent(s);
            }

            @Override
            public Double fromString(String s) {
                return null;
            }
        });
        tip(shown, "The sparsity the heatmap shows; the curves show them all.");
        CheckBox estimated = new CheckBox("show the estimate");
        estimated.setId("sweep-show-estimate");
        estimated.selectedProperty().bindBidirectional(page.estimate().shownProperty());
        estimated.disableProperty().bind(page.estimate().pictureProperty().isNull());
        tip(estimated, "The estimated loss change on the same grid, on its own colour scale, with how well it ranks "
                + "the measured points.");
        HBox shownBar = new HBox(6, new Label("heatmap at"), shown, estimated);
        shownBar.setAlignment(Pos.CENTER_LEFT);
        shownBar.setPadding(new Insets(0, 0, 4, 4));

        ChartPane heatmap = new ChartPane();
        heatmap.setId("sweep-heatmap");
        heatmap.setMinSize(260, 220);
        ChartPane curves = new ChartPane();
        curves.setId("sweep-curves");
        curves.setMinSize(260, 220);
        Runnable show = () -> {
            // a sweep's charts change in place and redraw themselves: only a new sweep's charts are set
            SweepViewModel.SweepPicture p = page.sweepPictureProperty().get();
            SweepEstimate.EstimatePicture e = page.estimate().pictureProperty().get();
            org.jfree.chart.JFreeChart wanted = e != null && page.estimate().shownProperty().get() ? e.heatmap()
                    : p == null ? null : p.heatmap();
            if (heatmap.getChart() != wanted) {
                heatmap.setChart(wanted);
            }
            if (p == null || curves.getChart() != p.curves()) {
                curves.setChart(p == null ? null : p.curves());
            }
        };
        page.sweepPictureProperty().addListener((obs, was, now) -> show.run());
        page.estimate().pictureProperty().addListener((obs, was, now) -> show.run());
        page.estimate().shownProperty().addListener((obs, was, now) -> show.run());
        show.run();
        heatmap.canvas().addEventHandler(MouseEvent.MOUSE_MOVED, e -> heatmap.plotPoint(e.getX(), e.getY())
                .ifPresentOrElse(p -> {
                    int row = (int) Math.round(p.getY());
                    int column = (int) Math.round(p.getX());
                    if (page.estimate().shownProperty().get()) {
                        page.estimate().hover(row, column);
                    } else {
                        page.hoverSweep(row, column);
                    }
                }, () -> {
                    page.clearSweepHover();
                    page.estimate().hover(-1, -1);
                }));
        heatmap.canvas().addEventHandler(MouseEvent.MOUSE_EXITED, e -> page.clearSweepHover());

        VBox heatmapBox = new VBox(shownBar, heatmap);
        VBox.setVgrow(heatmap, Priority.ALWAYS);
        SplitPane charts = new SplitPane(heatmapBox, curves);
        charts.setDividerPositions(0.55);

        Label empty = new Label("Run a sweep: every matrix pruned alone at each sparsity, scored on the data. "
                + "The heatmap fills in as points arrive; cancel keeps them, and the next run resumes.");
        empty.setId("sweep-empty");
        empty.setWrapText(true);
        empty.setMaxWidth(520);
        empty.getStyleClass().add("text-muted");
        empty.visibleProperty().bind(page.sweepPictureProperty().isNull()
                .and(page.estimate().pictureProperty().isNull()));
        charts.visibleProperty().bind(empty.visibleProperty().not());
        StackPane centre = new StackPane(charts, empty);
        centre.setPadding(new Insets(0, 6, 0, 6));
        return centre;
    }

    private VBox readouts() {
        Label note = new Label();
        note.setId("sweep-note");
        note.getStyleClass().add("text-muted");
        note.textProperty().bind(Bindings.createStringBinding(() -> {
            SweepViewModel.SweepPicture p = page.sweepPictureProperty().get();
            Path csv = page.sweepCsvProperty().get();
            return p == null ? "" : p.note() + (csv == null ? "" : " · points kept in " + csv.getFileName());
        }, page.sweepPictureProperty(), page.sweepCsvProperty()));
        Label hover = new Label();
        hover.setId("sweep-hover");
        hover.getStyleClass().add("hover-readout");
        hover.setWrapText(true);
        hover.setMinHeight(Region.USE_PREF_SIZE);
        hover.textProperty().bind(Bindings.createStringBinding(() -> {
            String said = page.estimate().shownProperty().get() ? page.estimate().hoverProperty().get()
                    : page.sweepHoverProperty().get();
            return said.isEmpty() ? "Hover over a cell for its exact numbers." : said;
        }, page.sweepHoverProperty(), page.estimate().hoverProperty(), page.estimate().shownProperty()));
        VBox bottom = new VBox(4, note, hover);
        bottom.setPadding(new Insets(6, 10, 8, 10));
        return bottom;
    }
}
