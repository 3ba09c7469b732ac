package dev.finescope.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Figure;
import dev.finescope.ui.common.LazyTab;
import dev.finescope.ui.plan.PlanEditorPane;
import dev.finescope.ui.plan.PlanEditorViewModel;
import dev.finescope.ui.runs.RunsPane;
import dev.finescope.ui.runs.RunsViewModel;
import dev.finescope.ui.whatif.WhatIfPane;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DragEvent;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;

/**
 * The main window as ui.md sketches it: the workspace on the left, the tabs in the middle, the selected cell's
 * details on the right, background work at the bottom; menus with the usual shortcuts; drop a model folder or a
 * weights file anywhere to open it. It only arranges views and forwards commands to {@link MainViewModel}.
 */
public final class MainWindow {

    /** The order of the tabs, also their Ctrl+1 … Ctrl+6 shortcuts. */
    public static final List<String> TAB_NAMES = List.of("Heatmap", "Ranking", "Histograms", "Plan", "What-if",
            "Runs");

    private static final String STYLESHEET = MainWindow.class.getResource("finescope.css").toExternalForm();

    private final MainViewModel vm;
    private final Stage stage;
    private final TaskTracker tracker;
    private final BorderPane root = new BorderPane();
    private final TabPane tabs = new TabPane();
    private final Menu recentMenu = new Menu("Recent workspaces");
    /** The plan editor. */
    final Tab planTab;
    /** The what-if experiments: prune, revert, sweep, compare masks. */
    final Tab whatIfTab;
    /** The runs launched and found. */
    final Tab runsTab;

    private final PlanEditorViewModel plan;
    private final RunsViewModel runs;
    private final LazyTab<RunsPane> runsPane;
    private final LazyTab<WhatIfPane> whatIfPane;

    /** What a tab offers to the export menu items. */
    private record Exports(Supplier<Optional<Figure>> figure, Supplier<CsvTable> table, String name) {
    }

    private final java.util.Map<Tab, Exports> exports = new java.util.HashMap<>();
    private final StatusBar status;
    private java.util.function.Consumer<Path> folderOpener = folder -> {
    };

    public MainWindow(Stage stage, MainViewModel vm, TaskTracker tracker) {
        this.stage = stage;
        this.vm = vm;
        this.tracker = tracker;
        // the view models live from the start (the menus, the status bar and the tree use them); the panes of the
        // tabs behind the heatmap are built the first time they are shown, so the window opens sooner
        plan = new PlanEditorViewModel(vm.workspace(), vm.executor(), vm.dialogs());
        runs = new RunsViewModel(vm.workspace(), vm.executor(), vm.dialogs());
        runs.planProperty().bind(plan.planProperty());
        vm.whatIf().pruneRevert().setPlanSelection(plan::selection);
        Tab heatmapTab = tab(0);
        heatmapTab.setContent(new HeatmapView(vm.heatmap(), vm.workspace(), vm.showHintProperty(),
                heatmapTab.selectedProperty()));
        Tab rankingTab = tab(1);
        new LazyTab<>(rankingTab, () -> new RankingView(vm.ranking(), rankingTab.selectedProperty()));
        Tab histogramsTab = tab(2);
        new LazyTab<>(histogramsTab, () -> new HistogramsView(vm.histograms(), histogramsTab.selectedProperty()));
        planTab = tab(3);
        new LazyTab<>(planTab, () -> {
            PlanEditorPane pane = new PlanEditorPane(plan, planTab.selectedProperty());
            pane.setRunAction(this::launchRun);
            return pane;
        });
        whatIfTab = tab(4);
        whatIfPane = new LazyTab<>(whatIfTab, () -> new WhatIfPane(vm.whatIf()));
        runsTab = tab(5);
        runsPane = new LazyTab<>(runsTab, () -> new RunsPane(runs));
        runs.curvesShownProperty().bind(runsTab.selectedProperty());
        tabs.getTabs().setAll(heatmapTab, rankingTab, histogramsTab, planTab, whatIfTab, runsTab);
        tabs.setId("main-tabs");
        tabs.getSelectionModel().selectedItemProperty().addListener((obs, was, now) ->
                vm.whatIf().setShown(now == whatIfTab));
        exports.put(heatmapTab, new Exports(vm.heatmap()::figure, vm.heatmap()::table, "heatmap"));
        exports.put(rankingTab, new Exports(() -> Optional.ofNullable(vm.ranking().rankingProperty().get())
                .map(RankingViewModel.Ranking::figure), vm.ranking()::table, "ranking"));
        exports.put(histogramsTab, new Exports(vm.histograms()::figure, vm.histograms()::table, "histogram"));
        exports.put(whatIfTab, new Exports(vm.whatIf()::figure, vm.whatIf()::table, "whatif"));

        WorkspaceTreeView tree = new WorkspaceTreeView(vm.workspace());
        tree.followRuns(runs.runs(), run -> {
            tabs.getSelectionModel().select(runsTab);
            runs.selectedProperty().set(run);
        });
        DetailsView details = new DetailsView(vm.details());
        SplitPane split = new SplitPane(tree, tabs, details);
        split.setDividerPositions(0.16, 0.76);
        // the plan has its cost panel, a run and a what-if experiment their own readouts: there the selected
        // cell's details give way
        tabs.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            boolean wanted = now != planTab && now != runsTab && now != whatIfTab;
            if (wanted && !split.getItems().contains(details)) {
                double tree0 = split.getDividerPositions()[0];
                split.getItems().add(details);
                split.setDividerPositions(tree0, 0.76);
            } else if (!wanted) {
                split.getItems().remove(details);
            }
        });
        SplitPane.setResizableWithParent(tree, false);
        SplitPane.setResizableWithParent(details, false);
        tree.setMinWidth(170);
        details.setMinWidth(240);

        root.setTop(menus());
        root.setCenter(split);
        status = new StatusBar(tracker, vm.engine());
        status.followRuns(runs, () -> tabs.getSelectionModel().select(runsTab));
        status.followExports(vm.lastExportProperty(), folder -> folderOpener.accept(folder));
        root.setBottom(status);
        root.setOnDragOver(this::dragOver);
        root.setOnDragDropped(this::dropped);
        root.getStyleClass().add("finescope");
    }

    /** Builds the scene at the remembered size, applies the theme and shows the window. */
    public void show() {
        AppPreferences prefs = vm.preferences();
        Scene scene = new Scene(root, prefs.width(1400), prefs.height(880));
        scene.getStylesheets().add(STYLESHEET);
        applyTheme(vm.darkProperty().get());
        vm.darkProperty().addListener((obs, was, now) -> applyTheme(now));
        stage.setScene(scene);
        stage.setMaximized(prefs.maximized());
        stage.titleProperty().bind(vm.workspaceViewModel().titleProperty());
        stage.setOnCloseRequest(e -> {
            if (!confirmStopRuns()) {
                e.consume();
                return;
            }
            closing();
        });
        stage.show();
        new BaseImportDialog(stage, vm.baseImport(), STYLESHEET).follow();
    }

    /** How "Open folder" after an export opens one (the app's host services). */
    public void setFolderOpener(java.util.function.Consumer<Path> opener) {
        folderOpener = opener;
    }

    /** The bottom line. */
    public StatusBar statusBar() {
        return status;
    }

    public Scene scene() {
        return root.getScene();
    }

    public TabPane tabs() {
        return tabs;
    }

    public MainViewModel viewModel() {
        return vm;
    }

    /** The runs tab's view model: the runs this window launched and found. */
    public RunsViewModel runsViewModel() {
        return runs;
    }

    /** Saves the window's size, stops background work and closes every model, as closing the window does. */
    public void close() {
        closing();
        stage.close();
    }

    /** Running runs go on after the app closes unless the user asks to stop them; false cancels the close. */
    private boolean confirmStopRuns() {
        if (!runs.hasRunningRuns()) {
            return true;
        }
        javafx.scene.control.Alert ask = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.CONFIRMATION,
                "Training runs are still going. Stop them, or let them finish in the background? Their folders "
                        + "keep the results either way, and the app finds them again at the next start.",
                new javafx.scene.control.ButtonType("Stop runs", javafx.scene.control.ButtonBar.ButtonData.YES),
                new javafx.scene.control.ButtonType("Keep running", javafx.scene.control.ButtonBar.ButtonData.NO),
                javafx.scene.control.ButtonType.CANCEL);
        ask.setHeaderText("Runs are still training");
        ask.initOwner(stage);
        Optional<javafx.scene.control.ButtonType> answer = ask.showAndWait();
        if (answer.isEmpty() || answer.get() == javafx.scene.control.ButtonType.CANCEL) {
            return false;
        }
        if (answer.get().getButtonData() == javafx.scene.control.ButtonBar.ButtonData.YES) {
            runs.cancelAll();
        }
        return true;
    }

    private void closing() {
        vm.preferences().saveWindow(stage.getWidth(), stage.getHeight(), stage.isMaximized());
        tracker.cancelAll();
        vm.whatIf().close();
        vm.workspaceViewModel().closeWorkspace();
    }

    private static void applyTheme(boolean dark) {
        Application.setUserAgentStylesheet(dark ? new PrimerDark().getUserAgentStylesheet()
                : new PrimerLight().getUserAgentStylesheet());
    }

    private static Tab tab(int index) {
        Tab tab = new Tab(TAB_NAMES.get(index));
        tab.setId("tab-" + TAB_NAMES.get(index).toLowerCase(java.util.Locale.ROOT));
        tab.setClosable(false);
        return tab;
    }

    private MenuBar menus() {
        WorkspaceViewModel ws = vm.workspaceViewModel();
        MenuItem openModel = item("Open model folder…", "Shortcut+O", ws::chooseModelFolder);
        MenuItem openFile = item("Open weights file…", "Shortcut+Shift+O", ws::chooseModel);
        MenuItem openTuned = item("Open fine-tuned model…", null, ws::chooseTuned);
        MenuItem openWorkspace = item("Open workspace…", null, ws::chooseWorkspace);
        MenuItem save = item("Save workspace as…", "Shortcut+S", ws::chooseAndSaveWorkspace);
        MenuItem exportChart = item("Export chart…", "Shortcut+E", () -> vm.exportFigure(currentExports()
                .flatMap(x -> x.figure().get())));
        MenuItem exportTable = item("Export table as CSV…", "Shortcut+Shift+E", () -> currentExports().ifPresentOrElse(
                x -> vm.exportTable(x.table().get(), x.name()),
                () -> vm.exportTable(vm.details().table(), "details")));
        MenuItem copy = item("Copy chart", "Shortcut+Shift+C", () -> vm.copyFigure(
                currentExports().flatMap(x -> x.figure().get()), image -> {
                    ClipboardContent content = new ClipboardContent();
                    content.putImage(SwingFXUtils.toFXImage(image, null));
                    javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
                }));
        Menu scale = new Menu("Export and copy at");
        javafx.scene.control.ToggleGroup scales = new javafx.scene.control.ToggleGroup();
        for (int k : new int[] {1, 2, 4}) {
            javafx.scene.control.RadioMenuItem option = new javafx.scene.control.RadioMenuItem(k + "× size"
                    + (k == 1 ? " (as on screen)" : k == 2 ? " (sharp on high-density screens)" : " (print)"));
            option.setToggleGroup(scales);
            option.setSelected(vm.exportScaleProperty().get() == k);
            option.setOnAction(e -> vm.exportScaleProperty().set(k));
            scale.getItems().add(option);
        }
        MenuItem close = item("Close workspace", null, ws::closeWorkspace);
        MenuItem quit = item("Quit", "Shortcut+Q", () -> {
            if (!confirmStopRuns()) {
                return;
            }
            closing();
            Platform.exit();
        });
        ws.recentWorkspaces().addListener((ListChangeListener<Path>) c -> fillRecent());
        fillRecent();
        Menu file = new Menu("File", null, openModel, openFile, openTuned, openWorkspace, recentMenu, save,
                new SeparatorMenuItem(), exportChart, exportTable, copy, scale, new SeparatorMenuItem(), close, quit);

        CheckMenuItem dark = new CheckMenuItem("Dark theme");
        dark.selectedProperty().bindBidirectional(vm.darkProperty());
        dark.setAccelerator(KeyCombination.keyCombination("Shortcut+Shift+D"));
        CheckMenuItem compare = new CheckMenuItem("Compare all fine-tuned models");
        compare.selectedProperty().bindBidirectional(vm.heatmap().compareAllProperty());
        Menu view = new Menu("View", null, dark, compare, new SeparatorMenuItem());
        for (int i = 0; i < TAB_NAMES.size(); i++) {
            int index = i;
            view.getItems().add(item(TAB_NAMES.get(i), "Shortcut+" + (i + 1),
                    () -> tabs.getSelectionModel().select(index)));
        }
        MenuItem launch = item("Run the plan…", "Shortcut+R", this::launchRun);
        MenuItem evaluate = item("Evaluate what-if (prune)", "Shortcut+Shift+R", () -> {
            tabs.getSelectionModel().select(whatIfTab);
            whatIfPane.content().showPage(dev.finescope.ui.whatif.WhatIfViewModel.Page.PRUNE);
            vm.whatIf().pruneRevert().evaluatePrune();
        });
        MenuItem savePlan = item("Save plan…", null, plan::save);
        MenuItem loadPlan = item("Load plan…", null, plan::load);
        MenuItem about = item("About FineScope", null, this::about);
        Menu help = new Menu("Help", null,
                item("Walkthrough", "F1", () -> help(HelpWindow.Topic.WALKTHROUGH)),
                item("Lesson plan (for courses)", null, () -> help(HelpWindow.Topic.LESSON_PLAN)),
                item("Metric definitions", null, () -> help(HelpWindow.Topic.METRICS)),
                item("Keyboard shortcuts", null, () -> help(HelpWindow.Topic.SHORTCUTS)),
                new SeparatorMenuItem(), about);
        MenuBar bar = new MenuBar(file, view, new Menu("Plan", null, savePlan, loadPlan),
                new Menu("Run", null, launch, evaluate), help);
        bar.setId("menu-bar");
        return bar;
    }

    /** Opens the launch dialog for the plan being edited, with the Runs tab behind it. */
    private void launchRun() {
        tabs.getSelectionModel().select(runsTab);
        runsPane.content().showLaunchDialog();
    }

    private Optional<Exports> currentExports() {
        return Optional.ofNullable(exports.get(tabs.getSelectionModel().getSelectedItem()));
    }

    private void fillRecent() {
        recentMenu.getItems().clear();
        for (Path p : vm.workspaceViewModel().recentWorkspaces()) {
            recentMenu.getItems().add(item(p.toString(), null, () -> vm.workspaceViewModel().openWorkspace(p)));
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem item = new MenuItem(text);
        if (accelerator != null) {
            item.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        item.setOnAction(e -> action.run());
        return item;
    }

    /** Opens the help window on {@code topic} (one window, made on first use). */
    public HelpWindow help(HelpWindow.Topic topic) {
        if (helpWindow == null) {
            helpWindow = new HelpWindow(stage, STYLESHEET);
        }
        helpWindow.show(topic);
        return helpWindow;
    }

    private HelpWindow helpWindow;

    private void about() {
        Alert alert = new Alert(Alert.AlertType.INFORMATION);
        alert.initOwner(stage);
        alert.setTitle("About FineScope");
        alert.setHeaderText("FineScope " + Versions.fineScope());
        TextArea text = new TextArea(vm.about());
        text.setEditable(false);
        text.setWrapText(true);
        text.setPrefSize(560, 300);
        text.setId("about-text");
        alert.getDialogPane().setContent(text);
        alert.showAndWait();
    }

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY, TransferMode.LINK);
        }
        e.consume();
    }

    private void dropped(DragEvent e) {
        List<File> files = e.getDragboard().hasFiles() ? e.getDragboard().getFiles() : List.of();
        if (!files.isEmpty()) {
            vm.workspaceViewModel().open(files.stream().map(File::toPath).toList());
        }
        e.setDropCompleted(!files.isEmpty());
        e.consume();
    }
}
