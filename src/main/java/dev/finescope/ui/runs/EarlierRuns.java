package dev.finescope.ui.runs;

import dev.finescope.common.Latest;
import dev.finescope.run.EventReader;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunException;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunSpec;
import dev.finescope.run.RunStatus;
import dev.finescope.ui.common.DialogService;
import dev.finescope.ui.common.UiExecutor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.concurrent.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs of earlier sessions, found again in the runs folder: read from their folders off the FX thread (spec,
 * events, the tail of the log), and those whose process still trains followed by reading their events file
 * again now and then. A run whose process is gone without a terminal event ended without a word.
 */
final class EarlierRuns {

    private static final Logger LOGGER = LoggerFactory.getLogger(EarlierRuns.class);
    private static final int LOG_TAIL = RunItem.LOG_LINES;

    private final RunsViewModel runs;
    private final UiExecutor executor;
    private final DialogService dialogs;
    private boolean following;
    private final Latest discoveries = new Latest();

    EarlierRuns(RunsViewModel runs, UiExecutor executor, DialogService dialogs) {
        this.runs = runs;
        this.executor = executor;
        this.dialogs = dialogs;
    }

    /**
     * Reads {@code folder} (null: none) again, in the background: its runs join the list, finished or still
     * training, except those the list has already.
     */
    void discover(Path folder) {
        long generation = discoveries.next();
        if (folder == null) {
            return;
        }
        Task<List<RunItem>> task = new Task<>() {
            @Override
            protected List<RunItem> call() {
                List<RunItem> found = new ArrayList<>();
                for (RunFolder run : RunFolder.discover(folder)) {
                    found.add(read(run));
                }
                return found;
            }
        };
        task.setOnSucceeded(e -> {
            if (discoveries.isCurrent(generation)) {
                runs.found(task.getValue());
            }
        });
        task.setOnFailed(e -> dialogs.showError("Cannot read the runs", task.getException().getMessage()));
        executor.execute(task);
    }

    /** A run as its folder tells it; off the FX thread, so the item is not shown yet. */
    private static RunItem read(RunFolder run) {
        String name;
        String planName = "";
        try {
            RunSpec spec = run.spec();
            name = spec.name();
            planName = spec.plan().inline() != null ? spec.plan().inline().name()
                    : String.valueOf(spec.plan().file().getFileName());
        } catch (RunException e) {
            LOGGER.warn("Run {}: {}", run.path(), e.getMessage());
            name = "";
        }
        EventReader reader = run.followEvents();
        RunItem item = new RunItem(run.path(), name);
        item.setPlanName(planName);
        item.apply(reader.poll());
        boolean ended = item.status().isTerminal();
        List<String> log = new ArrayList<>(reader.problems());
        log.addAll(run.logTail(LOG_TAIL));
        item.setLog(log);
        if (!ended && run.isProcessAlive()) {
            item.follow(reader);
        } else if (!ended) {
            item.endedWithoutAWord();
        }
        item.flush();
        return item;
    }

    /** Reads new events of the listed runs of earlier sessions that still train. */
    void follow(List<RunItem> listed) {
        List<RunItem> followed = listed.stream()
                .filter(r -> r.follower() != null && r.status() == RunStatus.RUNNING).toList();
        if (followed.isEmpty() || following) {
            return;
        }
        following = true;
        record Update(RunItem item, List<RunEvent> events, List<String> log, boolean alive) {
        }
        Task<List<Update>> task = new Task<>() {
            @Override
            protected List<Update> call() {
                List<Update> out = new ArrayList<>();
                for (RunItem r : followed) {
                    RunFolder run = RunFolder.open(r.folder());
                    List<RunEvent> events = r.follower().poll();
                    out.add(new Update(r, events, run.logTail(LOG_TAIL), run.isProcessAlive()));
                }
                return out;
            }
        };
        task.setOnSucceeded(e -> {
            following = false;
            for (Update u : task.getValue()) {
                u.item().apply(u.events());
                u.item().setLog(u.log());
                if (u.item().status() == RunStatus.RUNNING && !u.alive()) {
                    u.item().endedWithoutAWord();
                }
            }
            runs.compareRuns();
        });
        task.setOnFailed(e -> {
            following = false;
            LOGGER.warn("Following runs of earlier sessions failed: {}", task.getException().getMessage());
        });
        executor.execute(task);
    }
}
