package dev.finescope.ui;

import dev.finescope.analysis.Analyzer;
import dev.finescope.analysis.Histograms;
import dev.finescope.chart.ChartStyle;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.Problems;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import dev.finescope.ui.whatif.WhatIfViewModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window's view model: it owns the tabs' view models, the theme, the first-start hint, what opens at start,
 * and the exports every tab shares (chart as PNG or SVG, table as CSV, chart to the clipboard). Exports draw and
 * write in the background.
 */
public final class MainViewModel {

    /** Attribution of the sample data, shown in About whatever workspace is open. */
    public static final String SAMPLE_DATA_ATTRIBUTION = "UCI \"Sentiment Labelled Sentences\" (Kotzias, Denil, "
            + "de Freitas, Smyth: From Group to Individual Labels using Deep Features, KDD 2015), distributed by the "
            + "UCI Machine Learning Repository under CC BY 4.0.";

    private static final Logger LOGGER = LoggerFactory.getLogger(MainViewModel.class);

    private final Workspace workspace;
    private final UiExecutor executor;
    private final DialogService dialogs;
    private final AppPreferences preferences;
    private final WorkspaceViewModel workspaceViewModel;
    private final HeatmapViewModel heatmap;
    private final RankingViewModel ranking;
    private final HistogramsViewModel histograms;
    private final DetailsViewModel details;
    private final BaseImportViewModel baseImport;
    private final WhatIfViewModel whatIf;
    private final BooleanProperty dark = new SimpleBooleanProperty(this, "dark");
    private final javafx.beans.property.IntegerProperty exportScale =
            new javafx.beans.property.SimpleIntegerProperty(this, "exportScale", 1);
    private final BooleanProperty showHint = new SimpleBooleanProperty(this, "showHint");
    private final javafx.beans.property.ReadOnlyObjectWrapper<Path> lastExport =
            new javafx.beans.property.ReadOnlyObjectWrapper<>(this, "lastExport");

    public MainViewModel(Workspace workspace, UiExecutor executor, DialogService dialogs,
            AppPreferences preferences, ModelOpener opener, int threads) {
        this(workspace, executor, dialogs, preferences, opener, threads, BaseImportViewModel.Importer.BUILTIN);
    }

    /** As above, with {@code importer} bringing the built-in base into the cache on a first start. */
    public MainViewModel(Workspace workspace, UiExecutor executor, DialogService dialogs,
            AppPreferences preferences, ModelOpener opener, int threads, BaseImportViewModel.Importer importer) {
        this.baseImport = new BaseImportViewModel(executor, dialogs, importer);
        this.workspace = workspace;
        this.executor = executor;
        this.dialogs = dialogs;
        this.preferences = preferences;
        this.workspaceViewModel = new WorkspaceViewModel(workspace, executor, dialogs, preferences, opener,
                new Analyzer(threads));
        Histograms counting = new Histograms(threads);
        this.heatmap = new HeatmapViewModel(workspace, executor);
        this.ranking = new RankingViewModel(workspace, executor, heatmap);
        this.histograms = new HistogramsViewModel(workspace, executor, counting);
        this.details = new DetailsViewModel(workspace, executor, counting);
        this.whatIf = new WhatIfViewModel(workspace, executor, dialogs);
        dark.set(preferences.dark());
        showHint.set(!preferences.hintDismissed());
        dark.addListener((obs, was, now) -> {
            preferences.setDark(now);
            applyStyle();
        });
        showHint.addListener((obs, was, now) -> {
            if (!now) {
                preferences.dismissHint();
            }
        });
        applyStyle();
    }

    private void applyStyle() {
        ChartStyle style = dark.get() ? ChartStyle.DARK : ChartStyle.LIGHT;
        heatmap.styleProperty().set(style);
        histograms.styleProperty().set(style);
        details.styleProperty().set(style);
        whatIf.styleProperty().set(style);
    }

    public Workspace workspace() {
        return workspace;
    }

    public WorkspaceViewModel workspaceViewModel() {
        return workspaceViewModel;
    }

    public HeatmapViewModel heatmap() {
        return heatmap;
    }

    public RankingViewModel ranking() {
        return ranking;
    }

    public HistogramsViewModel histograms() {
        return histograms;
    }

    public DetailsViewModel details() {
        return details;
    }

    /** The first start's import of the built-in base, which the window shows in a progress dialog. */
    public BaseImportViewModel baseImport() {
        return baseImport;
    }

    /** The What-if tab's experiments. */
    public WhatIfViewModel whatIf() {
        return whatIf;
    }

    public UiExecutor executor() {
        return executor;
    }

    public DialogService dialogs() {
        return dialogs;
    }

    public AppPreferences preferences() {
        return preferences;
    }

    /** How many times larger than on screen charts are exported as PNG and copied: 1, 2 or 4. */
    public javafx.beans.property.IntegerProperty exportScaleProperty() {
        return exportScale;
    }

    /** The dark theme is on; remembered. */
    public BooleanProperty darkProperty() {
        return dark;
    }

    /** The one-line explanation over the heatmap is shown; once cleared, it stays away. */
    public BooleanProperty showHintProperty() {
        return showHint;
    }

    /** Where analysis runs and which training engine runs use, for the status bar. */
    public String engine() {
        return "CPU · DJL " + Versions.djlShort();
    }

    /**
     * Opens what the user should see first: the workspace named on the command line, else the last one, else the
     * sample workspace when it is found next to the working folder or the jar. A workspace on the built-in base
     * opens once the base is imported (on a first start, in the background with a progress dialog).
     */
    public void openAtStart(Optional<Path> requested, Path workingFolder, Path jarFolder) {
        startChoice(requested, workingFolder, jarFolder).ifPresent(p -> {
            LOGGER.info("opening {} at start", p);
            if (Files.isDirectory(p) && !WorkspaceFile.isWorkspace(p)) {
                workspaceViewModel.open(List.of(p));
            } else {
                baseImport.importThen(p, () -> workspaceViewModel.openWorkspace(p));
            }
        });
    }

    /**
     * Whether the start's workspace (as {@link #openAtStart} picks it) needs its built-in base imported first: then
     * the window is shown before, so that the import's dialog has a window to stand on; otherwise the workspace
     * can start opening while the window is being built.
     */
    public boolean startNeedsImport(Optional<Path> requested, Path workingFolder, Path jarFolder) {
        return startChoice(requested, workingFolder, jarFolder)
                .filter(p -> !Files.isDirectory(p) || WorkspaceFile.isWorkspace(p))
                .filter(baseImport::needed).isPresent();
    }

    private Optional<Path> startChoice(Optional<Path> requested, Path workingFolder, Path jarFolder) {
        return requested
                .or(() -> preferences.lastWorkspace().filter(WorkspaceFile::isWorkspace))
                .or(() -> WorkspaceViewModel.sampleWorkspace(workingFolder, jarFolder));
    }

    /** The file the last export wrote, once written (the status bar says where it went). */
    public javafx.beans.property.ReadOnlyObjectProperty<Path> lastExportProperty() {
        return lastExport.getReadOnlyProperty();
    }

    /** Asks where to save the figure and writes it as PNG or SVG, by the chosen file's extension. */
    public void exportFigure(Optional<Figure> figure) {
        if (figure.isEmpty()) {
            dialogs.showInfo("No chart to export", "This tab shows no chart yet.");
            return;
        }
        Figure f = figure.get();
        dialogs.chooseSaveFile("Export chart", f.fileName() + ".png", List.of("png", "svg")).ifPresent(file ->
                executor.execute(new ProgressTask<Path>("Exporting " + file.getFileName()) {
                    {
                        setOnFailed(e -> dialogs.showError("Could not export the chart",
                                file + ": " + Problems.describe(getException())));
                        setOnSucceeded(e -> lastExport.set(getValue()));
                    }

                    @Override
                    protected Path call() throws IOException {
                        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg")) {
                            f.tiles().svg(file);
                        } else {
                            Path png = withExtension(file, ".png");
                            f.tiles().png(png, exportScale.get());
                            return png;
                        }
                        return file;
                    }
                }));
    }

    /** Asks where to save the table and writes it as CSV. */
    public void exportTable(CsvTable table, String name) {
        if (table.rows().isEmpty()) {
            dialogs.showInfo("No table to export", "This tab shows no numbers yet.");
            return;
        }
        dialogs.chooseSaveFile("Export table as CSV", name + ".csv", List.of("csv")).ifPresent(file -> {
            try {
                Path csv = withExtension(file, ".csv");
                table.write(csv);
                lastExport.set(csv);
            } catch (IOException | RuntimeException e) {
                dialogs.showError("Could not export the table", file + ": " + Problems.describe(e));
            }
        });
    }

    /** Draws the figure in the background and hands the image to {@code clipboard} on the FX thread. */
    public void copyFigure(Optional<Figure> figure, Consumer<BufferedImage> clipboard) {
        if (figure.isEmpty()) {
            dialogs.showInfo("No chart to copy", "This tab shows no chart yet.");
            return;
        }
        executor.execute(new ProgressTask<BufferedImage>("Copying the chart") {
            {
                setOnSucceeded(e -> clipboard.accept(getValue()));
                setOnFailed(e -> dialogs.showError("Could not copy the chart", Problems.describe(getException())));
            }

            @Override
            protected BufferedImage call() {
                return figure.get().tiles().image(exportScale.get());
            }
        });
    }

    /** The About text: versions and data attributions. */
    public String about() {
        StringBuilder b = new StringBuilder()
                .append("See how fine-tuning changed a BERT-family model, layer by layer.\n\n")
                .append("FineScope ").append(Versions.fineScope()).append('\n')
                .append("Java ").append(Versions.java()).append('\n')
                .append("JavaFX ").append(Versions.javaFx()).append('\n')
                .append("DJL ").append(Versions.DJL).append(" (training runs, in their own process)\n\n")
                .append("Sample data: ").append(SAMPLE_DATA_ATTRIBUTION);
        Path data = workspace.dataProperty().get();
        if (data != null) {
            Path source = data.resolve("SOURCE.md");
            try {
                if (Files.isRegularFile(source)) {
                    b.append("\n\nThis workspace's data (").append(source).append("):\n")
                            .append(Files.readString(source, StandardCharsets.UTF_8).strip());
                }
            } catch (IOException e) {
                LOGGER.debug("cannot read {}: {}", source, e.toString());
            }
        }
        return b.toString();
    }

    private static Path withExtension(Path file, String extension) {
        String name = file.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith(extension) ? file : file.resolveSibling(name + extension);
    }
}
