package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class FineScopeAppTest {

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        new FineScopeApp().start(stage);
    }

    @Test
    void windowIsTitledFineScopeAndPointsToTheAnalyzeCommand(FxRobot robot) {
        assertEquals("FineScope", stage.getTitle());
        Label hint = robot.lookup("#hint").queryAs(Label.class);
        assertTrue(hint.getText().contains("analyze --base"), hint.getText());
    }

    @Test
    void menusOfferQuitAndAbout(FxRobot robot) {
        MenuBar bar = robot.lookup(".menu-bar").queryAs(MenuBar.class);
        List<String> menus = bar.getMenus().stream().map(Menu::getText).toList();
        assertEquals(List.of("File", "Help"), menus);
        assertEquals("Quit", bar.getMenus().get(0).getItems().get(0).getText());
        assertEquals("About FineScope", bar.getMenus().get(1).getItems().get(0).getText());
    }
}
